"""Official SHMI bands reproduced from published observed and expected deaths.

Source: ../shared/data/trustpulse_trust_profiles/trust_quality_signals_2026-03.csv (NHS England
"Historical trust level SHMI", Jan 2025 – Dec 2025, as joined by larsen-analyst/trustpulse; OGL
public statistics). ``shmi_banding`` 1 = higher, 2 = as expected, 3 = lower than expected; observed
and expected are published rounded to the nearest 5. PROVENANCE.md reports 118/118 reproduced with
φ = 15.98 and τ² = 0.00665.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from caresignal.stats.banding import SHMI_BAND_CODES, shmi_banding
from caresignal.stats.funnel import FunnelPlot

N_TRUSTS_WITH_VALUES = 118
# PROVENANCE.md prints φ to 4 significant figures and τ² to 3.
PHI_PUBLISHED, PHI_ATOL = 15.98, 0.005
TAU2_PUBLISHED, TAU2_ATOL = 0.00665, 0.000005
# Published bands among the 118 trusts with values (9 higher, 8 lower; the PROVENANCE's 103 "as
# expected" includes two trusts with a band but no values).
BAND_COUNTS = {"higher": 9, "as_expected": 101, "lower": 8}


@pytest.fixture(scope="module")
def trusts(shared_data):
    path = shared_data("trustpulse_trust_profiles") / "trust_quality_signals_2026-03.csv"
    df = pd.read_csv(path)
    df = df[df.observed_deaths_latest.notna() & df.expected_deaths_latest.notna()]
    return df.reset_index(drop=True)


@pytest.fixture(scope="module")
def banding(trusts):
    return shmi_banding(trusts.observed_deaths_latest, trusts.expected_deaths_latest,
                        units=list(trusts.org_code))


def test_all_published_bands_reproduced(trusts, banding):
    assert len(trusts) == N_TRUSTS_WITH_VALUES
    codes = np.array([SHMI_BAND_CODES[b] for b in banding.band])
    mismatched = list(trusts.org_code[codes != trusts.shmi_banding.to_numpy()])
    assert mismatched == []
    assert banding.band_counts == BAND_COUNTS


def test_phi_and_tau2_close_to_provenance(banding):
    assert banding.phi == pytest.approx(PHI_PUBLISHED, abs=PHI_ATOL)
    assert banding.tau2 == pytest.approx(TAU2_PUBLISHED, abs=TAU2_ATOL)
    # truncation keeps rank groups 1..8 of 10: 96 of 118 trusts
    assert int(banding.used_for_phi.sum()) == 96


def test_shmi_is_the_funnel_method(trusts, banding):
    """``shmi_banding`` is ``FunnelPlot(method="shmi")`` at the official 95% level."""
    direct = FunnelPlot(method="shmi").fit(trusts.observed_deaths_latest,
                                           trusts.expected_deaths_latest).result_
    assert direct.band == banding.band
    np.testing.assert_array_equal(direct.upper, banding.upper)


def test_limits_formula(trusts, banding):
    """95% limits exp(±1.96·√(1/E + τ²)) with E to 2 decimals (SHMI specification)."""
    e = np.round(trusts.expected_deaths_latest.to_numpy(), 2)
    half = 1.959964 * np.sqrt(1 / e + banding.tau2)
    np.testing.assert_allclose(banding.upper, np.exp(half), rtol=1e-6)
    np.testing.assert_allclose(banding.lower, np.exp(-half), rtol=1e-6)

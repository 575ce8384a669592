"""FunnelPlotR's worked example: length of stay in COUNT's ``medpar`` (54 Arizona providers).

Source of the expected numbers: nhs-r-community/FunnelPlotR README.md and vignettes/funnel_plots.Rmd
(``funnel_plot(medpar, los, prds, provnum, data_type = "SR", limit = 99)``): the Poisson GLM
coefficients 2.26875, -0.07637, -0.24574, -0.02141, 0.24921, 0.74869 and dispersion 6.240519;
"54 points of which 25 are outliers" with unadjusted 99.8% limits; "9 are outliers" with
SHMI-method overdispersed limits. Data: ../shared/data/count_medpar (GPL-2, not copied here).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
import statsmodels.formula.api as smf

from caresignal.stats.funnel import FunnelPlot, funnel_limits_exact

# Published coefficients are printed to 5 decimals; the dispersion to 6.
COEF_ATOL = 0.5e-5
# FunnelPlotR prints 6.240519 from R's glm residuals; statsmodels' Pearson chi2/df gives 6.240500
# (PROVENANCE.md): the two differ in the working residuals at convergence, so compare to 4 digits.
DISPERSION_RTOL = 1e-5
PUBLISHED_COEFS = {"Intercept": 2.26875, "hmo": -0.07637, "died": -0.24574, "age80": -0.02141,
                   "C(type)[T.2]": 0.24921, "C(type)[T.3]": 0.74869}
PUBLISHED_DISPERSION = 6.240519
N_PROVIDERS = 54
OUTLIERS_UNADJUSTED_998 = 25
OUTLIERS_SHMI_998 = 9
# Not published: what Spiegelhalter's interpolated Poisson limits (our default) flag on the same data,
# measured with our code. They differ from FunnelPlotR's chi-square limits by up to a count.
OUTLIERS_INTERPOLATED_998 = 23


@pytest.fixture(scope="module")
def providers(shared_data):
    path = shared_data("count_medpar") / "medpar.csv"
    medpar = pd.read_csv(path, dtype={"provnum": str})
    model = smf.glm("los ~ hmo + died + age80 + C(type)", medpar,
                    family=sm.families.Poisson()).fit()
    medpar["prds"] = model.fittedvalues
    return medpar, model


def test_glm_matches_published(providers):
    """README: glm(los ~ hmo + died + age80 + factor(type), family = "poisson")."""
    _, model = providers
    for name, value in PUBLISHED_COEFS.items():
        assert model.params[name] == pytest.approx(value, abs=COEF_ATOL), name
    assert model.pearson_chi2 / model.df_resid == pytest.approx(PUBLISHED_DISPERSION,
                                                                rel=DISPERSION_RTOL)


def _fit(medpar, **params):
    return FunnelPlot(data_type="ratio", level=99.8, **params).fit(
        medpar.los, medpar.prds, units=medpar.provnum).result_


def test_unadjusted_outliers_gamma(providers):
    """README: 'A funnel plot object with 54 points of which 25 are outliers' (Poisson limits)."""
    medpar, _ = providers
    result = _fit(medpar, method="exact", exact_variant="gamma")
    assert result.n_units == N_PROVIDERS
    flagged = sum(b != "as_expected" for b in result.band)
    assert flagged == OUTLIERS_UNADJUSTED_998


def test_unadjusted_outliers_interpolated_differs(providers):
    """Spiegelhalter's interpolated limits (our default) flag fewer: documented in
    docs/funnel-plots.md; ``exact_variant="gamma"`` reproduces FunnelPlotR."""
    medpar, _ = providers
    result = _fit(medpar, method="exact")
    assert sum(b != "as_expected" for b in result.band) == OUTLIERS_INTERPOLATED_998


def test_shmi_outliers(providers):
    """README: 'A funnel plot object with 54 points of which 9 are outliers' (SHMI, limit = 99)."""
    medpar, _ = providers
    result = _fit(medpar, method="shmi")
    assert result.n_units == N_PROVIDERS
    assert sum(b != "as_expected" for b in result.band) == OUTLIERS_SHMI_998
    assert result.phi > 1 and result.tau2 > 0


# FunnelPlotR tests/testthat/test-poisson_limits.R: calculate_limits(number_seq = c(15, 20, 30),
# target = 1, draw_adjusted = FALSE), printed to 7 decimals (lower) and 6 (upper).
FUNNELPLOTR_E = np.array([15.0, 20.0, 30.0])
FUNNELPLOTR_LIMITS = {
    95: ([0.5596924, 0.6108260, 0.6746958], [1.649348, 1.544419, 1.427562]),
    99.8: ([0.3862650, 0.4479107, 0.5289724], [2.082907, 1.902094, 1.702771]),
}


@pytest.mark.parametrize("level", [95, 99.8])
def test_funnelplotr_poisson_limits(level):
    """No data needed: FunnelPlotR's own test of its chi-square (gamma) Poisson limits."""
    lower, upper = funnel_limits_exact(FUNNELPLOTR_E, 1.0, level, variant="gamma")
    want_lower, want_upper = FUNNELPLOTR_LIMITS[level]
    np.testing.assert_allclose(lower, want_lower, rtol=0, atol=0.5e-7)
    np.testing.assert_allclose(upper, want_upper, rtol=0, atol=0.5e-6)

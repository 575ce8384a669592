"""XmR limits and point types against the NHSRplotthedots and nhspy-plotthedots published cases.

Source: ``../shared/data/xmr_test_vectors`` (xmr_expected.csv, rnorm20_seed123.csv), transcribed from
nhs-r-community/NHSRplotthedots@050b07d (``tests/testthat/_snaps/ptd_spc_standard.md``,
``_snaps/ptd_spc.md``, ``vignettes/deviations.Rmd``) and nhs-pycom/nhspy-plotthedots@bfdefe4
(``tests/unittests/test_limits_calculations.py``, ``test_pandas_spc_x_calc.py``); each row names its
source. Tolerance is the published precision: half a unit in the last digit printed in the source
(snapshots print 7 significant figures, the facet summary 3, the vignette caption 2 decimals);
nhspy-plotthedots compares floats computed in Python, so there we allow only rounding error.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from caresignal.domain.errors import TooFewPointsWarning
from caresignal.stats.spc import SPCChart

NHSPY_ROUNDING = 1e-9  # nhspy-plotthedots values are Python floats from the same formula


def printed_tolerance(text: str) -> float:
    """Half a unit in the last decimal place printed in ``text``."""
    decimals = len(text.split(".")[1]) if "." in text else 0
    return 0.5 * 10.0 ** -decimals


def load_cases(directory):
    rnorm = pd.read_csv(directory / "rnorm20_seed123.csv").y.to_numpy(float)
    cases = pd.read_csv(directory / "xmr_expected.csv", dtype=str, keep_default_na=False)
    out = []
    for _, case in cases.iterrows():
        source = case.input
        if source == "rnorm20_seed123.csv":
            y = rnorm.copy()
        elif source.startswith("rnorm20 with y[15]=10"):
            y = rnorm.copy()
            y[14] = 10.0
        elif source == "rnorm20 rows 1-10":
            y = rnorm[:10]
        elif source == "rnorm20 rows 11-20":
            y = rnorm[10:]
        else:
            y = np.array([float(v) for v in source.split(";")])
        out.append((case, y))
    return out


@pytest.fixture(scope="module")
def cases(shared_data):
    return {case.case_id: (case, y) for case, y in load_cases(shared_data("xmr_test_vectors"))}


def fit_case(case, y):
    fix = int(case.fix_after_n_points) if case.fix_after_n_points else None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return SPCChart("i", screen=case.screen_outliers == "True", fix_after=fix).fit(y)


CASE_IDS = ["ptd_r1", "ptd_r2_y15eq10_screened", "ptd_r3_y15eq10_unscreened", "ptd_facet0_first10",
            "ptd_facet1_last10", "ptd_vignette_screened", "ptd_vignette_excel", "nhspy_increasing",
            "nhspy_no_trend", "nhspy_small", "nhspy_range20", "nhspy_seven", "nhspy_mixed",
            "nhspy_sample1_fix3", "nhspy_sample3", "nhspy_collapsed_limits"]


@pytest.mark.parametrize("case_id", CASE_IDS)
def test_xmr_limits(cases, case_id):
    case, y = cases[case_id]
    result = fit_case(case, y)
    for ours, column in (("cl", "expected_mean"), ("lpl", "expected_lpl"), ("upl", "expected_upl")):
        text = case[column]
        tol = NHSPY_ROUNDING if case_id.startswith("nhspy") else printed_tolerance(text)
        assert abs(getattr(result, ours)[0] - float(text)) <= tol, f"{case.source} {column}"


def test_all_common_cause_in_the_rnorm_snapshot(cases):
    # ptd_spc_standard.md summary: 20 points, common_cause 20
    result = fit_case(*cases["ptd_r1"])
    assert result.point_type == ("common_cause",) * 20
    assert result.variation == "common_cause"


def test_vignette_point_5_is_special_cause_improvement_with_and_without_screening(cases):
    # deviations.Rmd figure captions: one special cause improvement point (point 5), the rest common cause
    for case_id in ("ptd_vignette_screened", "ptd_vignette_excel"):
        result = fit_case(*cases[case_id])
        assert result.point_type[4] == "special_cause_improvement"
        assert result.rule[4] == "outside_limits"
        assert result.point_type[:4] + result.point_type[5:] == ("common_cause",) * 17


def test_screening_narrows_limits_as_the_vignette_shows(cases):
    screened = fit_case(*cases["ptd_vignette_screened"])
    excel = fit_case(*cases["ptd_vignette_excel"])
    assert screened.periods[0].evidence["n_screened_out"] == 2  # the ranges into and out of the 10
    assert excel.periods[0].evidence["n_screened_out"] == 0
    assert screened.upl[0] < excel.upl[0]


def test_fix_after_three_points_nhspy(cases):
    # test_pandas_spc_x_calc.py sample 1: outside = [F, F, F, F, T, T, T, T]; every point special cause
    result = fit_case(*cases["nhspy_sample1_fix3"])
    assert [r == "outside_limits" for r in result.rule] == [False] * 4 + [True] * 4
    assert "common_cause" not in result.point_type
    assert result.baseline.tolist() == [True] * 3 + [False] * 5


def test_no_special_cause_nhspy_sample3(cases):
    result = fit_case(*cases["nhspy_sample3"])
    assert set(result.point_type) == {"common_cause"}


def test_collapsed_limits_flag_every_point_nhspy(cases):
    # screening drops the only non-zero moving range, AMR = 0, LPL = UPL = mean: all points outside
    result = fit_case(*cases["nhspy_collapsed_limits"])
    assert result.rule == ("outside_limits",) * 5


def test_facet_cases_are_trial_limits(cases):
    # ptd_spc.md: groups of 10 points trigger the short-group (trial limits) warning
    case, y = cases["ptd_facet0_first10"]
    with pytest.warns(TooFewPointsWarning, match="trial limits"):
        result = SPCChart("i").fit(y)
    assert result.trial_limits

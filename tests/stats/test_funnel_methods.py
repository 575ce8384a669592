"""Funnel methods on tiny hand-made cases, and the contract every method keeps.

Expected numbers here are worked by hand from the formulas cited in each test (Spiegelhalter 2005
appendix; Breslow & Day 1987; Wilson 1927; SAS PROC RANK GROUPS; DerSimonian & Laird 1986), or
checked against an independent implementation (statsmodels' Wilson interval).
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from statsmodels.stats.proportion import proportion_confint

from caresignal.domain.errors import OptionError, OverdispersionWarning
from caresignal.stats.funnel import (
    METHOD_TYPES, FunnelLimits, FunnelPlot, FunnelResult, dispersion_phi, exact_poisson_limits,
    funnel_limits_exact, funnel_plot, interpolated_quantile, poisson_interval,
    random_effects_tau2, truncation_mask, wilson_interval, winsorise, z_for_level)

# Hand calculations below are carried to 10 significant digits.
HAND_RTOL = 1e-9

# A small realistic set: 12 units, counts and denominators, used by the contract suite.
OBSERVED = np.array([12, 30, 7, 55, 41, 0, 19, 23, 90, 14, 33, 61], dtype=float)
DENOMINATOR = np.array([150, 260, 90, 400, 380, 60, 200, 210, 700, 160, 300, 450], dtype=float)
EXPECTED = DENOMINATOR * OBSERVED.sum() / DENOMINATOR.sum()

CASES = [(m, t) for m, types in METHOD_TYPES.items() for t in types]


def _fit(method, data_type, **params):
    kwargs = {"denominator": DENOMINATOR} if data_type != "ratio" else {}
    expected = EXPECTED if data_type == "ratio" else None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", OverdispersionWarning)
        return FunnelPlot(method=method, data_type=data_type, **params).fit(
            OBSERVED, expected, **kwargs)


# -- the contract: every method, every type it accepts -------------------------------------------
@pytest.mark.parametrize("method, data_type", CASES, ids=lambda x: x)
def test_contract(method, data_type):
    model = FunnelPlot(method=method, data_type=data_type)
    assert model.get_params()["method"] == method  # constructor stores, unchanged
    clone = FunnelPlot(**model.get_params())
    assert clone.get_params() == model.get_params()
    assert not hasattr(model, "result_")
    assert model.fit(OBSERVED, *([EXPECTED] if data_type == "ratio" else []),
                     **({} if data_type == "ratio" else {"denominator": DENOMINATOR})) is model
    result = model.result_
    assert isinstance(result, FunnelResult)
    assert result.n_units == len(OBSERVED)
    assert set(result.band) <= {"higher", "as_expected", "lower"}
    assert result.summary().startswith(f"Funnel plot: {method}")
    payload = result.to_dict()
    assert {"target", "phi", "tau2", "units"} <= set(payload)
    assert set(payload["units"][0]) == {"unit", "value", "z", "p_value", "lower", "upper", "band"}
    with pytest.raises(Exception):
        result.target = 2.0  # frozen
    with pytest.raises(ValueError):
        result.lower[0] = 0.0  # read-only arrays
    # band, z and p tell the same story
    crit = z_for_level(result.level)
    for band, z, p in zip(result.band, result.z, result.p_value):
        if band == "higher":
            assert z > 0 and p < 0.05
        elif band == "lower":
            assert z < 0 and p < 0.05
    if method != "byar":
        inside = (result.value >= result.lower) & (result.value <= result.upper)
        assert list(inside) == [b == "as_expected" for b in result.band]
    if method in ("shmi", "multiplicative", "winsorised"):
        assert result.phi is not None and result.phi > 0
        assert (np.abs(result.z) > crit).tolist() == [b != "as_expected" for b in result.band]
    else:
        assert result.phi is None and result.tau2 is None


@pytest.mark.parametrize("method, data_type", CASES, ids=lambda x: x)
def test_refuses_nan_with_a_named_message(method, data_type):
    observed = OBSERVED.copy()
    observed[3] = np.nan
    model = FunnelPlot(method=method, data_type=data_type)
    with pytest.raises(OptionError, match="observed contains a missing value .* position 4"):
        if data_type == "ratio":
            model.fit(observed, EXPECTED)
        else:
            model.fit(observed, denominator=DENOMINATOR)


@pytest.mark.parametrize("method, data_type", CASES, ids=lambda x: x)
def test_limits_grid_for_drawing(method, data_type):
    result = _fit(method, data_type).result_
    limits = result.limits(points=50)
    assert isinstance(limits, FunnelLimits)
    assert limits.precision.size == 50
    for lo95, hi95, lo998, hi998 in zip(limits.lower[95.0], limits.upper[95.0],
                                        limits.lower[99.8], limits.upper[99.8]):
        assert lo998 <= lo95 + 1e-12 and hi95 <= hi998 + 1e-12
    # the funnel narrows as precision grows (upper limits fall)
    assert limits.upper[95.0][-1] < limits.upper[95.0][0]
    assert set(limits.to_dict()) == {"method", "type", "target", "precision", "lower", "upper"}


def test_not_fitted_says_what_to_call():
    with pytest.raises(OptionError, match=r"call fit\(...\) before limits\(\)"):
        FunnelPlot().limits()


# -- options refused with the allowed values ----------------------------------------------------
@pytest.mark.parametrize("params, message", [
    ({"method": "poisson"}, "^method must be one of exact, byar, wilson, shmi, multiplicative, "
                            "winsorised; got 'poisson'$"),
    ({"data_type": "count"}, "^data_type must be one of ratio, proportion, rate; got 'count'$"),
    ({"level": 90}, "level must be one of 95, 99.8; got 90"),
    ({"method": "wilson"}, "method 'wilson' does not apply to type 'ratio'; it applies to: proportion"),
    ({"trim": 0.6}, "trim must be a number between 0 and 0.5"),
    ({"exact_variant": "midp"}, "^exact_variant must be one of interpolated, gamma; got 'midp'$"),
])
def test_bad_options(params, message):
    with pytest.raises(OptionError, match=message):
        FunnelPlot(**params).fit([1, 2], [1.0, 2.0])


def test_expected_must_be_positive():
    with pytest.raises(OptionError, match="expected must be greater than 0; position 2 is 0"):
        FunnelPlot().fit([1, 0], [2.0, 0.0])


def test_proportion_cannot_exceed_denominator():
    with pytest.raises(OptionError, match="position 2 has 11 > 10"):
        FunnelPlot(method="wilson", data_type="proportion").fit([1, 11], denominator=[10, 10])


def test_ratio_needs_expected_not_denominator():
    with pytest.raises(OptionError, match="a ratio needs expected counts"):
        FunnelPlot().fit([1, 2], denominator=[3.0, 4.0])


# -- exact (Spiegelhalter 2005, appendix A.1.1) ---------------------------------------------------
def test_interpolated_poisson_quantile_by_hand():
    """μ = 4, p = 0.025: F(0) = e⁻⁴ = 0.0183156389, F(1) = 5e⁻⁴ = 0.0915781944, so r = 1 and
    α = (F(1) − p)/(F(1) − F(0)) = 0.9085, Q = 1 − α = 0.0915… ; limit = Q/E with E = 4."""
    f0, f1 = math.exp(-4), 5 * math.exp(-4)
    want = 1 - (f1 - 0.025) / (f1 - f0)
    got = interpolated_quantile("poisson", 0.025, np.array([4.0]), 1.0)[0]
    assert got == pytest.approx(want, rel=HAND_RTOL)
    lower, _ = funnel_limits_exact([4.0], 1.0, 95)
    assert lower[0] == pytest.approx(want / 4, rel=HAND_RTOL)


def test_exact_zero_events():
    """O = 0: P(X ≤ 0) = e^(−E). E = 10 gives 4.5e-5 < 0.025 (lower); E = 1 gives 0.37 (inside).
    The lower limit at E = 1 is clipped to 0 (the interpolation line from F(−1) = 0 goes below)."""
    result = FunnelPlot(method="exact").fit([0, 0], [10.0, 1.0]).result_
    assert result.band == ("lower", "as_expected")
    assert result.lower[1] == 0.0
    assert result.p_value[0] == pytest.approx(2 * math.exp(-10), rel=HAND_RTOL)


def test_exact_binomial_by_hand():
    """n = 10, θ₀ = 0.5, p = 0.025: F(1) = 11/1024, F(2) = 56/1024, r = 2,
    α = (56/1024 − 0.025)/(45/1024), lower limit = (2 − α)/10; upper: F(7) = 968/1024,
    F(8) = 1013/1024, r = 8, limit (8 − α′)/10. The interpolation is not symmetric about θ₀
    (each count's mass is spread over the unit interval below it)."""
    f1, f2, f7, f8 = 11 / 1024, 56 / 1024, 968 / 1024, 1013 / 1024
    want_lower = (2 - (f2 - 0.025) / (f2 - f1)) / 10
    want_upper = (8 - (f8 - 0.975) / (f8 - f7)) / 10
    lower, upper = funnel_limits_exact([10.0], 0.5, 95, kind="binomial")
    assert lower[0] == pytest.approx(want_lower, rel=HAND_RTOL)
    assert upper[0] == pytest.approx(want_upper, rel=HAND_RTOL)


# -- OHID: Byar and Wilson --------------------------------------------------------------------
def test_byar_interval_is_exact_below_ten_events():
    """For O < 10 the interval is exact: P(X ≥ O | L) = P(X ≤ O | U) = 0.025."""
    from scipy import stats

    low, high = poisson_interval(np.array([3.0]), 95)
    assert stats.poisson.sf(2, low[0]) == pytest.approx(0.025, rel=1e-9)
    assert stats.poisson.cdf(3, high[0]) == pytest.approx(0.025, rel=1e-9)


def test_byar_formula_from_ten_events():
    """Breslow & Day (1987): L = O(1 − 1/(9O) − z/(3√O))³, U = (O+1)(1 − 1/(9(O+1)) + z/(3√(O+1)))³."""
    z = 1.959963984540054
    low, high = poisson_interval(np.array([10.0]), 95)
    assert low[0] == pytest.approx(10 * (1 - 1 / 90 - z / (3 * math.sqrt(10))) ** 3, rel=HAND_RTOL)
    assert high[0] == pytest.approx(11 * (1 - 1 / 99 + z / (3 * math.sqrt(11))) ** 3, rel=HAND_RTOL)


def test_byar_zero_events():
    """O = 0: interval (0, −ln 0.025 = 3.6889); E = 10 puts the upper end at 0.369 < 1 (lower)."""
    result = FunnelPlot(method="byar").fit([0, 0], [10.0, 3.0]).result_
    assert result.band == ("lower", "as_expected")
    assert result.upper[0] == pytest.approx(-math.log(0.025) / 10, rel=HAND_RTOL)
    assert result.lower[0] == 0.0


@pytest.mark.parametrize("observed, n", [(0, 20), (3, 20), (45, 50), (500, 1000)])
def test_wilson_interval_matches_statsmodels(observed, n):
    low, high = wilson_interval(observed, n, 95)
    want = proportion_confint(observed, n, alpha=0.05, method="wilson")
    assert (low, high) == pytest.approx(want, rel=1e-9, abs=1e-12)


def test_wilson_band_agrees_with_interval():
    """A unit is outside the Wilson funnel exactly when its Wilson interval excludes the target."""
    observed = np.array([2, 9, 15, 30, 48])
    n = np.array([40, 60, 80, 120, 150])
    result = FunnelPlot(method="wilson", data_type="proportion", target=0.2).fit(
        observed, denominator=n).result_
    low, high = wilson_interval(observed, n, 95)
    want = ["higher" if lo > 0.2 else "lower" if hi < 0.2 else "as_expected"
            for lo, hi in zip(low, high)]
    assert list(result.band) == want


# -- overdispersion --------------------------------------------------------------------------
def test_truncation_like_sas_proc_rank():
    """20 z-scores: group ⌊r·10/21⌋ drops ranks 1–2 (group 0) and 19–20 (group 9): 16 kept."""
    z = np.arange(20.0)[::-1]
    kept = truncation_mask(z)
    assert kept.sum() == 16
    assert not kept[[0, 1, 18, 19]].any()


def test_winsorise_by_hand():
    """z = 0…10: the 10% and 90% quantiles (R type 7) are 1 and 9."""
    np.testing.assert_array_equal(winsorise(np.arange(11.0)), np.clip(np.arange(11.0), 1, 9))


def test_tau2_by_hand():
    """Equal s (w = 4): n = 4, φ = 3 gives τ² = (12 − 3)/(16 − 4) = 0.75; nφ ≤ n − 1 gives 0."""
    s = np.full(4, 0.5)
    assert random_effects_tau2(3.0, s) == pytest.approx(0.75, rel=HAND_RTOL)
    assert random_effects_tau2(0.7, s) == 0.0
    assert dispersion_phi(np.array([1.0, -1.0, 2.0])) == pytest.approx(2.0)


def test_one_unit_warns_that_phi_is_not_estimable():
    with pytest.warns(OverdispersionWarning, match="phi is not estimable from 1 unit"):
        result = FunnelPlot(method="shmi").fit([30], [20.0]).result_
    assert math.isnan(result.phi) and result.tau2 == 0.0
    assert result.warnings and "not estimable" in result.warnings[0]
    # unadjusted log-scale limits: exp(±1.96/√20)
    assert result.upper[0] == pytest.approx(math.exp(z_for_level(95) / math.sqrt(20)), rel=1e-12)


def test_shmi_zero_deaths_is_truncated_not_fatal():
    observed = [0, 50, 52, 48, 61, 39, 55, 47, 50, 53, 49, 51]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the infinite z-score is truncated away: no warning
        result = FunnelPlot(method="shmi").fit(observed, [50.0] * 12).result_
    assert result.band[0] == "lower"
    assert not result.used_for_phi[0]
    assert math.isfinite(result.phi)


def test_multiplicative_never_narrows():
    """φ < 1 (units closer than chance): limits stay at the plain √-scale limits."""
    observed = [100, 101, 99, 100, 100, 101, 99, 100, 100, 100]
    result = FunnelPlot(method="multiplicative").fit(observed, [100.0] * 10).result_
    assert result.phi < 1 and result.tau2 is None
    half = z_for_level(95) / (2 * 10)
    assert result.upper[0] == pytest.approx((1 + half) ** 2, rel=1e-12)


def test_shmi_rounds_expected_to_two_decimals():
    result = FunnelPlot(method="shmi").fit([10, 12, 9], [10.004, 11.996, 9.0]).result_
    np.testing.assert_array_equal(result.precision, [10.0, 12.0, 9.0])
    unrounded = FunnelPlot(method="shmi", expected_decimals=None).fit(
        [10, 12, 9], [10.004, 11.996, 9.0]).result_
    assert unrounded.precision[0] == 10.004


# -- data handling -------------------------------------------------------------------------------
def test_records_are_summed_per_unit_in_order_of_first_appearance():
    result = funnel_plot([3, 4, 5, 6], [2.0, 3.0, 4.0, 5.0], units=["B", "A", "B", "C"])
    assert result.units == ("B", "A", "C")
    np.testing.assert_array_equal(result.observed, [8, 4, 6])
    np.testing.assert_array_equal(result.precision, [6.0, 3.0, 5.0])


def test_target_defaults_and_override():
    pooled = FunnelPlot(method="exact", data_type="rate").fit([10, 30], denominator=[100, 200])
    assert pooled.target_ == pytest.approx(40 / 300)
    fixed = FunnelPlot(method="exact", data_type="rate", target=0.1).fit(
        [10, 30], denominator=[100, 200])
    assert fixed.target_ == 0.1
    assert FunnelPlot().fit([3], [2.0]).target_ == 1.0


def test_drawn_byar_lines_are_the_exact_interval_inverted():
    """At the precision where O/E sits on OHID's upper line, the exact lower limit of O equals E."""
    lower, upper = exact_poisson_limits(np.array([5.0]), 1.0, 95)
    o_upper = upper[0] * 5.0
    from scipy import special
    assert special.gammainc(o_upper, 5.0) == pytest.approx(0.025, rel=1e-8)

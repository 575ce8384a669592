"""The SPC chart object: parameters, periods (rebase, fix after N, exclusions), multiplier, trial limits,
icons, facets, validation messages and the results object. Hand-made series; expected values are worked
out in the comments from the formulas in docs/spc.md."""

from __future__ import annotations

import dataclasses
import json
import warnings

import numpy as np
import pytest

from caresignal.domain.errors import OptionError, TooFewPointsWarning
from caresignal.stats.spc import (
    CHARTS,
    POINT_TYPES,
    SPCChart,
    SPCValueError,
    assurance_icon,
    fit_facets,
    icon_table,
)
from caresignal.stats.spc.result import POINT_KEYS

EXACT = 1e-12  # results computed by hand from the same formula: only rounding error allowed
STABLE = [10, 12, 11, 13, 10, 12, 11, 13, 10, 12, 11, 13]  # 12 points, mean 11.5, every MR 1..3


def quiet(chart, *args, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", TooFewPointsWarning)
        return chart.fit(*args, **kw)


def data_for(chart: str, n: int = 12):
    """A valid small input for any chart type."""
    rng = np.random.default_rng(4)
    if chart in ("p", "pp", "u", "up"):
        den = rng.integers(80, 120, n).astype(float)
        return dict(values=np.floor(den * 0.2) + rng.integers(0, 5, n), denominators=den)
    if chart in ("xbar", "s"):
        return dict(values=10 + rng.normal(size=n), sds=1 + rng.random(n), sizes=np.full(n, 5.0))
    return dict(values=1 + rng.integers(1, 20, n).astype(float))


# ---------------------------------------------------------------- the contract every chart meets
@pytest.mark.parametrize("chart", CHARTS)
def test_every_chart_constructs_fits_and_reports(chart):
    data = data_for(chart)
    result = quiet(SPCChart(chart), data.pop("values"), **data)
    assert result.n == 12
    assert set(result.point_type) <= set(POINT_TYPES)
    assert isinstance(result.summary(), str) and f"{chart} chart" in result.summary()
    payload = json.loads(json.dumps(result.to_dict()))
    assert tuple(payload["points"][0]) == POINT_KEYS
    assert payload["variation"] in POINT_TYPES


@pytest.mark.parametrize("chart", CHARTS)
def test_every_chart_refuses_nan_with_a_named_message(chart):
    data = data_for(chart)
    values = np.asarray(data.pop("values"), float)
    if chart == "s":
        data["sizes"] = data["sizes"].copy()
        data["sizes"][3] = np.nan
        name = "sizes"
    else:
        values[3] = np.nan
        name = "values"
    with pytest.raises(SPCValueError, match=rf"{name} at position 4: the value is missing") as err:
        SPCChart(chart).fit(values, **data)
    assert err.value.position == 3 and err.value.argument == name


def test_constructor_stores_parameters_unchanged_and_validates_at_fit():
    chart = SPCChart("nonsense", "sideways", shift_n=0)
    assert chart.get_params()["chart"] == "nonsense"
    assert SPCChart(**SPCChart("p", "decrease", target=0.1).get_params()).get_params()["target"] == 0.1
    with pytest.raises(OptionError, match="^chart must be one of i, mr, p, pp, u, up, c, g, t, xbar, s; "
                                         "got 'nonsense'$"):
        chart.fit([1, 2, 3])
    with pytest.raises(OptionError, match="shift_n must be a whole number of at least 2; got 0"):
        SPCChart("i", shift_n=0).fit([1, 2, 3])
    with pytest.raises(OptionError, match="^two_in_three must be one of mdc2023, legacy; got '2019'$"):
        SPCChart("i", two_in_three="2019").fit([1, 2, 3])


@pytest.mark.parametrize("chart, values, den, message", [
    ("p", [5, 12], [10, 10], "values at position 2: a proportion's numerator cannot exceed"),
    ("p", [5, 1], [10, 0], "denominators at position 2: a denominator must be greater than 0"),
    ("t", [5, 0], None, "values at position 2: a time between events must be greater than 0"),
    ("c", [5, -1], None, "values at position 2: a count cannot be negative"),
])
def test_data_a_chart_cannot_use(chart, values, den, message):
    with pytest.raises(SPCValueError, match=message):
        SPCChart(chart).fit(values, den)


def test_denominator_rules():
    with pytest.raises(OptionError, match="chart 'p' needs denominators"):
        SPCChart("p").fit([1, 2])
    with pytest.raises(OptionError, match="chart 'c' does not use denominators"):
        SPCChart("c").fit([1, 2], [3, 4])


def test_i_chart_with_denominators_plots_the_ratio():
    result = quiet(SPCChart("i"), [1, 2, 3], [10, 10, 20])
    np.testing.assert_allclose(result.y, [0.1, 0.2, 0.15], atol=EXACT)


# ---------------------------------------------------------------- periods
def test_rebase_at_a_date_gives_each_period_its_own_limits():
    x = [f"2024-{m:02d}-01" for m in range(1, 13)] + [f"2025-{m:02d}-01" for m in range(1, 13)]
    y = STABLE + [v + 4 for v in STABLE]  # overall mean 13.5: a shift, but all inside the limits
    result = SPCChart("i", rebase=["2024-12-15"]).fit(y, x=x)  # first point on/after 15 Dec: 2025-01-01
    assert [p.start for p in result.periods] == ["2024-01-01", "2025-01-01"]
    assert result.cl[0] == pytest.approx(11.5, abs=EXACT) and result.cl[-1] == pytest.approx(15.5, abs=EXACT)
    assert set(result.point_type) == {"common_cause"}  # no shift across the rebase
    unrebased = SPCChart("i").fit(y, x=x)
    assert set(unrebased.rule) == {"shift"}


def test_rebase_errors_name_the_value():
    with pytest.raises(OptionError, match="rebase: '2030-01-01' is after the last point"):
        SPCChart("i", rebase=["2030-01-01"]).fit([1, 2, 3], x=["2020-01-01", "2020-02-01", "2020-03-01"])
    with pytest.raises(OptionError, match="rebase: 'week 9' is not one of the x values"):
        SPCChart("i", rebase=["week 9"]).fit([1, 2, 3], x=["week 1", "week 2", "week 3"])


def test_fix_after_uses_only_the_first_points():
    # limits from 10, 12, 11, 13: mean 11.5, MRs 2, 1, 2 -> AMR 5/3, 3 sigma = 2.66 * 5/3
    result = quiet(SPCChart("i", fix_after=4), [10, 12, 11, 13, 30, 31])
    assert result.cl[-1] == pytest.approx(11.5, abs=EXACT)
    assert result.upl[-1] == pytest.approx(11.5 + 2.66 * 5 / 3, abs=EXACT)
    assert result.rule[4:] == ("outside_limits", "outside_limits")
    assert result.periods[0].n_base == 4 and result.trial_limits


def test_excluded_points_are_left_out_of_limits_and_rules():
    y = list(STABLE)
    y[5] = 100.0
    result = quiet(SPCChart("i", exclude=[6]), y)  # 11 base points: trial limits
    kept = [v for i, v in enumerate(y) if i != 5]
    assert result.cl[0] == pytest.approx(np.mean(kept), abs=EXACT)
    amr = np.mean(np.abs(np.diff(kept)))  # moving ranges across the gap, none screened out here
    assert result.upl[0] == pytest.approx(np.mean(kept) + 2.66 * amr, abs=EXACT)
    assert result.rule[5] is None and result.point_type[5] == "common_cause"
    assert result.excluded.tolist() == [i == 5 for i in range(12)]
    with pytest.raises(OptionError, match="exclude: point 13 does not exist; the series has 12 points"):
        SPCChart("i", exclude=[13]).fit(y)


def test_multiplier_scales_process_and_inner_limits():
    three = SPCChart("i").fit(STABLE)
    two = SPCChart("i", multiplier=2).fit(STABLE)
    width3 = three.upl[0] - three.cl[0]
    assert two.upl[0] - two.cl[0] == pytest.approx(width3 * 2 / 3, abs=EXACT)
    assert two.upl95[0] - two.cl[0] == pytest.approx(width3 * 2 / 3 * 2 / 3, abs=EXACT)
    assert three.upl95[0] - three.cl[0] == pytest.approx(width3 * 2 / 3, abs=EXACT)


# ---------------------------------------------------------------- trial limits
def test_trial_limits_below_twelve_points_with_a_named_warning():
    with pytest.warns(TooFewPointsWarning, match="come from 11 points .fewer than 12.: trial limits"):
        result = SPCChart("i").fit(STABLE[:11])
    assert result.trial_limits and result.warnings
    with warnings.catch_warnings():
        warnings.simplefilter("error", TooFewPointsWarning)
        assert not SPCChart("i").fit(STABLE).trial_limits


def test_too_few_points_for_limits_is_an_error():
    with pytest.raises(OptionError, match="chart 'i' needs at least 2 points to compute limits from"):
        SPCChart("i").fit([5.0])


# ---------------------------------------------------------------- rules on a chart
def test_two_in_three_mdc2023_versus_legacy_on_a_chart():
    # limits fixed from STABLE: CL 11.5, AMR 21/11, sigma = 2.66/3 * AMR = 1.693; 2 sigma 14.89,
    # 3 sigma 16.58. Point 13 at 15.2 (between) then point 14 at 17 (beyond 3 sigma); point 12 (13) is
    # above the mean too, so the window 12-14 is all on one side.
    y = STABLE + [15.2, 17.0, 11.0]
    mdc = SPCChart("i", fix_after=12).fit(y)
    legacy = SPCChart("i", fix_after=12, two_in_three="legacy").fit(y)
    assert mdc.rule[12:14] == ("two_in_three", "outside_limits")
    assert legacy.rule[12:14] == (None, "outside_limits")


def test_point_types_follow_the_improvement_direction():
    y = STABLE + [30.0]
    assert SPCChart("i", "increase").fit(y).point_type[-1] == "special_cause_improvement"
    assert SPCChart("i", "decrease").fit(y).point_type[-1] == "special_cause_concern"
    assert SPCChart("i", "neutral").fit(y).point_type[-1] == "special_cause_neutral_high"
    assert SPCChart("i", "neutral").fit(STABLE + [-10.0]).point_type[-1] == "special_cause_neutral_low"


def test_variation_icon_is_the_last_points_type():
    y = [30.0] + STABLE
    result = SPCChart("i").fit(y)
    assert result.point_type[0] != "common_cause"
    assert result.variation == "common_cause"


# ---------------------------------------------------------------- assurance
@pytest.mark.parametrize("target, improvement, expected", [
    (20, "increase", "consistent_fail"), (20, "decrease", "consistent_pass"),
    (0, "increase", "consistent_pass"), (0, "decrease", "consistent_fail"),
    (11, "increase", "inconsistent"), (11, "neutral", None), (None, "increase", None),
])
def test_assurance_from_target_and_last_limits(target, improvement, expected):
    assert assurance_icon(target, 5.0, 15.0, improvement) == expected
    assert SPCChart("i", improvement, target=target).fit(STABLE).assurance == expected


# ---------------------------------------------------------------- special charts
def test_mr_chart_first_point_has_no_moving_range():
    result = SPCChart("mr").fit(STABLE)
    assert np.isnan(result.y[0]) and result.points()[0]["y"] is None
    assert result.upl[0] == pytest.approx(3.267 * np.mean(np.abs(np.diff(STABLE))), abs=EXACT)


def test_s_chart_lower_limit_is_not_negative():
    # n = 5: 1 - 3 c5/c4 < 0, so B3 = 0 (Montgomery appendix VI)
    result = SPCChart("s").fit(None, sds=[1.0] * 12, sizes=[5] * 12)
    assert result.lpl[0] == 0.0 and result.cl[0] == pytest.approx(1.0, abs=EXACT)


def test_subgroups_from_raw_observations():
    # a: 1, 2, 3 (mean 2, sd 1); b: 2, 4, 6 (mean 4, sd 2); c: 3, 3, 3 (mean 3, sd 0)
    obs = [1, 2, 3, 2, 4, 6, 3, 3, 3]
    summary = quiet(SPCChart("xbar"), [2, 4, 3], sds=[1, 2, 0], sizes=[3, 3, 3])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", TooFewPointsWarning)
        raw = SPCChart("xbar").fit_subgroups(obs, ["a"] * 3 + ["b"] * 3 + ["c"] * 3)
    assert raw.x == ("a", "b", "c")
    np.testing.assert_allclose(raw.y, [2, 4, 3], atol=EXACT)
    np.testing.assert_allclose(raw.upl, summary.upl, atol=EXACT)


# ---------------------------------------------------------------- facets and the icon table
def test_facets_fit_each_group_and_tabulate_icons():
    groups = ["A"] * 13 + ["B"] * 12
    y = STABLE + [40.0] + STABLE
    facets = fit_facets(SPCChart("i", "increase"), groups, y, targets={"B": 20.0})
    assert list(facets.results) == ["A", "B"]
    table = facets.icon_table()
    assert [row["series"] for row in table] == ["A", "B"]
    assert table[0]["variation"] == "special_cause_improvement" and table[0]["rule"] == "outside_limits"
    assert table[1]["assurance"] == "consistent_fail" and table[0]["assurance"] is None
    assert icon_table(facets.results) == table
    assert json.loads(json.dumps(facets.to_dict()))["groups"][1]["group"] == "B"


# ---------------------------------------------------------------- the results object
def test_result_is_frozen_and_carries_its_evidence():
    result = SPCChart("i", runs_analysis=True).fit(STABLE)
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.variation = "x"
    with pytest.raises(ValueError):
        result.cl[0] = 0.0
    evidence = result.to_dict()["periods"][0]["evidence"]
    assert evidence["amr"] == pytest.approx(np.mean(np.abs(np.diff(STABLE))), abs=EXACT)
    assert result.periods[0].runs.n_useful == 12
    assert "runs analysis" in result.summary()

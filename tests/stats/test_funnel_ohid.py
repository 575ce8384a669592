"""PHEindicatormethods (OHID/UKHSA) funnel reference data: all 603 significances and the limit tables.

Source: ukhsa-collaboration/PHEindicatormethods 2.1.0 @ 093fd28, tests/testthat/testdata_funnel_*.csv,
read from ../shared/data/pheindicatormethods_funnels (GPL-3, never copied into this repository).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from caresignal.stats.funnel import (
    FunnelPlot, funnel_limits_wilson, ohid_axis_grid, ohid_label, poisson_funnel_lines)

DATASET = "pheindicatormethods_funnels"
# Row counts stated in the dataset's PROVENANCE.md (303 proportions + 300 ratios = 603).
N_PROPORTION_ROWS = 303
N_RATIO_ROWS = 300
# The limit tables are printed with 6 (proportions) and 8 (axis-variation table) decimals:
# half a unit in the last printed place.
PROP_TABLE_ATOL = 0.5e-6
PROP_AXIS_TABLE_ATOL = 0.5e-8
# PHEindicatormethods finds the Poisson funnel lines by bisection on v = E/(1 + O + E), stopping when
# the step is at most 1e-7 (utils.R ``poisson_funnel``); we use the closed form, so compare on v.
PHE_BISECTION_V_TOL = 1e-7
# Pooled baselines are printed to 8 significant digits.
BASELINE_RTOL = 1e-8
LEVELS = ((95, "2s"), (99.8, "3s"))


def _labels(method, data_type, observed, *, expected=None, denominator=None):
    """OHID's five labels from our bands at 99.8% and 95%."""
    bands = {}
    for level in (99.8, 95):
        model = FunnelPlot(method=method, data_type=data_type, level=level)
        bands[level] = model.fit(observed, expected, denominator=denominator).result_.band
    return [ohid_label(a, b) for a, b in zip(bands[99.8], bands[95])]


@pytest.fixture(scope="module")
def data_dir(shared_data):
    return shared_data(DATASET)


@pytest.fixture(scope="module")
def proportion_case(data_dir):
    df = pd.read_csv(data_dir / "testdata_funnel_prop_inputs.csv")
    return df, _labels("wilson", "proportion", df.numerator, denominator=df.denominator)


@pytest.fixture(scope="module")
def ratio_case(data_dir):
    df = pd.read_csv(data_dir / "testdata_funnel_ratio_inputs.csv")
    return df, _labels("byar", "ratio", df.obs, expected=df.expected)


@pytest.mark.parametrize("row", range(N_PROPORTION_ROWS), ids=lambda r: f"prop-row{r + 2}")
def test_proportion_significance(proportion_case, row):
    """testdata_funnel_prop_inputs.csv: assign_funnel_significance(statistic = "proportion")."""
    df, labels = proportion_case
    assert len(df) == N_PROPORTION_ROWS
    assert labels[row] == df.significance[row], df.iloc[row].to_dict()


@pytest.mark.parametrize("row", range(N_RATIO_ROWS), ids=lambda r: f"ratio-row{r + 2}")
def test_ratio_significance(ratio_case, row):
    """testdata_funnel_ratio_inputs.csv: assign_funnel_significance(statistic = "ratio")."""
    df, labels = ratio_case
    assert len(df) == N_RATIO_ROWS
    assert labels[row] == df.significance[row], df.iloc[row].to_dict()


def test_proportion_label_counts(proportion_case):
    """PROVENANCE.md counts: High (0.001) 168, High (0.025) 10, Not significant 32, Low 1 / 92."""
    _, labels = proportion_case
    counts = pd.Series(labels).value_counts().to_dict()
    assert counts == {"High (0.001)": 168, "High (0.025)": 10, "Not significant": 32,
                      "Low (0.025)": 1, "Low (0.001)": 92}


@pytest.mark.parametrize("table, keep, atol", [
    ("testdata_funnel_prop_outputs.csv", None, PROP_TABLE_ATOL),
    ("testdata_funnel_prop_outputs_with_axis_variation.csv", 31000, PROP_AXIS_TABLE_ATOL),
])
def test_proportion_limit_tables(data_dir, table, keep, atol):
    """calculate_funnel_limits(statistic = "proportion", multiplier = 100) on all inputs, and on
    inputs with denominator < 31000 (the axis-variation table)."""
    inputs = pd.read_csv(data_dir / "testdata_funnel_prop_inputs.csv")
    if keep is not None:
        inputs = inputs[inputs.denominator < keep]
    expected = pd.read_csv(data_dir / table)
    grid = ohid_axis_grid(inputs.denominator, "proportion")
    np.testing.assert_array_equal(grid, expected.Population)
    average = inputs.numerator.sum() / inputs.denominator.sum()
    assert average * 100 == pytest.approx(expected.Baseline[0], rel=BASELINE_RTOL)
    for level, name in ((95, "2s0025"), (99.8, "3s0001")):
        lower, upper = funnel_limits_wilson(grid, average, level)
        np.testing.assert_allclose(lower * 100, expected[f"Lower{name}limit"], rtol=0, atol=atol)
        np.testing.assert_allclose(upper * 100, expected[f"Upper{name}limit"], rtol=0, atol=atol)


def _v(expected_events, observed):
    return expected_events / (1 + observed + expected_events)


def test_ratio_limit_table(data_dir):
    """calculate_funnel_limits(statistic = "ratio", ratio_type = "count" and "isr")."""
    inputs = pd.read_csv(data_dir / "testdata_funnel_ratio_inputs.csv")
    expected = pd.read_csv(data_dir / "testdata_funnel_ratio_outputs.csv")
    grid = ohid_axis_grid(inputs.expected, "ratio")
    np.testing.assert_array_equal(grid, expected.Observed_events)
    for level, s in LEVELS:
        lines = poisson_funnel_lines(grid, 1.0, level)
        for side in ("lower", "upper"):
            ours = lines[f"{side}_precision"]
            theirs = expected[f"{side}_{s}_exp_events"].to_numpy()
            np.testing.assert_allclose(_v(ours, grid), _v(theirs, grid), rtol=0,
                                       atol=PHE_BISECTION_V_TOL)
            # the printed limits are O / E, minus 1 ("count") or times 100 ("isr"): turn them back
            # into E and compare on the bisection's scale too
            for column, to_ratio in (("count", lambda x: x + 1), ("isr", lambda x: x / 100)):
                e_printed = grid / to_ratio(expected[f"{side}_{s}_{column}"].to_numpy())
                np.testing.assert_allclose(_v(ours, grid), _v(e_printed, grid), rtol=0,
                                           atol=PHE_BISECTION_V_TOL)


def _rate_denominators(events, rate, multiplier, population=None):
    """OHID's derived denominators: multiplier·O/rate, or the population where O = 0 (crude)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        derived = multiplier * events / rate
    if population is None:
        return np.where(events == 0, np.nan, derived)
    return np.where(events == 0, population, derived)


def _rate_case(inputs, variant):
    ev = inputs.ev.to_numpy(float)
    rate = inputs.rate.to_numpy(float)
    if variant == "dsr":
        return ev, _rate_denominators(ev, rate, 1e5)
    if variant == "crude_5":
        ev = np.where(ev == ev.max(), 5.0, ev)
        return ev, _rate_denominators(ev, rate, 1e5)
    pop = 1e5 * ev / rate
    top = ev == ev.max()
    keep = pop > pop.max() / 2
    ev, rate, pop = np.where(top, 0.0, ev)[keep], np.where(top, 0.0, rate)[keep], pop[keep]
    return ev, _rate_denominators(ev, rate, 1e5, population=pop)


@pytest.mark.parametrize("variant, table", [
    ("dsr", "testdata_funnel_rate_outputs.csv"),
    ("crude_5", "testdata_funnel_rate_outputs_2.csv"),
    ("crude_zero_with_pop", "testdata_funnel_rate_outputs_3.csv"),
])
def test_rate_limit_tables(data_dir, variant, table):
    """calculate_funnel_limits(statistic = "rate", multiplier = 1e5, years_of_data = 3): dsr;
    crude with the largest count set to 5; crude with it set to 0 and populations given."""
    years, multiplier = 3, 1e5
    inputs = pd.read_csv(data_dir / "testdata_funnel_rate_input_funnels.csv")
    expected = pd.read_csv(data_dir / table)
    events, denominators = _rate_case(inputs, variant)
    average = events.sum() / np.nansum(denominators)
    assert average * multiplier == pytest.approx(expected.baseline[0], rel=BASELINE_RTOL)
    grid = ohid_axis_grid(denominators, "rate", years=years, average=average)
    np.testing.assert_array_equal(grid, expected.Events)
    for level, s in LEVELS:
        lines = poisson_funnel_lines(grid, 1.0, level)
        for side in ("lower", "upper"):
            theirs = expected[f"{side}_{s}_population_1_year"].to_numpy() * average * years
            np.testing.assert_allclose(_v(lines[f"{side}_precision"], grid), _v(theirs, grid),
                                       rtol=0, atol=PHE_BISECTION_V_TOL)
            # the printed limit is O / (population·years) × multiplier: back to E the same way
            e_printed = grid * average * multiplier / expected[f"{side}_{s}_limit"].to_numpy()
            np.testing.assert_allclose(_v(lines[f"{side}_precision"], grid), _v(e_printed, grid),
                                       rtol=0, atol=PHE_BISECTION_V_TOL)


# (rate column, multiplier) for each expected-significance column of testdata_funnel_rate_dsr_inputs.
RATE_SIGNIFICANCE_COLUMNS = {
    f"{kind}_per_{per}_{zeros}": (f"rate_{'dsr' if kind == 'dsr' else 'crude_per_' + per}",
                                  1e5 if per == "100000" else 100.0)
    for kind in ("dsr", "crude") for per in ("100000", "100") for zeros in ("with_0", "without_0")
}
# PHEindicatormethods does not assess DSRs on fewer than 10 events (``assign_funnel_significance``).
DSR_NOT_APPLICABLE = "Not applicable for events less than 10 for dsrs"


@pytest.mark.parametrize("column", sorted(RATE_SIGNIFICANCE_COLUMNS))
def test_rate_significance(data_dir, column):
    """testdata_funnel_rate_dsr_inputs.csv: assign_funnel_significance(statistic = "rate") for DSRs
    and crude rates, per 100,000 and per 100, with and without the zero-event row. Byar on O over
    the derived denominator (multiplier·O/rate; the population where O = 0 for crude rates),
    compared with the pooled rate; units with no derivable denominator are left out of it."""
    df = pd.read_csv(data_dir / "testdata_funnel_rate_dsr_inputs.csv")
    if column.endswith("without_0"):
        df = df[df["count"] != 0]
    rate_column, multiplier = RATE_SIGNIFICANCE_COLUMNS[column]
    events = df["count"].to_numpy(float)
    dsr = column.startswith("dsr")
    denominators = _rate_denominators(events, df[rate_column].to_numpy(float), multiplier,
                                      population=None if dsr else df["pop"].to_numpy(float))
    usable = ~np.isnan(denominators)
    labels = _labels("byar", "rate", events[usable], denominator=denominators[usable])
    expected = df[column].to_numpy()
    for label, want, count in zip(labels, expected[usable], events[usable]):
        assert want == (DSR_NOT_APPLICABLE if dsr and count < 10 else label)
    assert all(want == DSR_NOT_APPLICABLE for want in expected[~usable])

"""PowerBI-SPC chart limits for every chart type, from its unit tests.

Source: AUS-DOH-Safety-and-Quality/PowerBI-SPC@478773a, ``test/Chart Types/{c,g,i,mr,p,pprime,s,t,u,
uprime,xbar}.test.ts`` (GPL-3), tabulated in ``../shared/data/powerbi_spc_test_vectors/chart_limits.csv``
(read from there, never copied). PowerBI-SPC checks with ``toBeCloseTo(expected, digits)``, i.e.
``|ours - expected| < 10**-digits / 2``; we use the same tolerance, from the file's ``tolerance_digits``.

Settings that reproduce PowerBI-SPC: I chart with ``xmr_factor="d2"`` (sigma = AMR / 1.128); moving-range
screening on (its default ``outliers_in_limits = false``); P and P' in percent (``scale=100``); U per
10,000 (the test's ``multiplier = 10000`` is a display scale, our ``scale``); C rebased at point 25.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from caresignal.stats.spc import SPCChart

CHART_TESTS = ["c", "g", "i", "mr", "p", "pprime", "s", "t", "u", "uprime", "xbar"]
PERCENT = 100.0            # PowerBI-SPC shows P and P' as percentages
U_TEST_MULTIPLIER = 10000  # u.test.ts: settings multiplier = 10000
LIMIT_COLUMNS = (("lpl", "ll99"), ("lpl95", "ll95"), ("upl95", "ul95"), ("upl", "ul99"))


@pytest.fixture(scope="module")
def vectors(shared_data):
    return pd.read_csv(shared_data("powerbi_spc_test_vectors") / "chart_limits.csv")


def fit_powerbi(g: pd.DataFrame):
    chart = g.chart_type.iloc[0]
    scale = {"p": PERCENT, "pp": PERCENT, "u": U_TEST_MULTIPLIER}.get(chart, 1.0)
    x = list(g.key)
    rebase = []
    if g.groupings.notna().any():  # c.test.ts: groupings 1 for points 1-24, 2 for 25-36
        rebase = [g.key[g.groupings.diff() > 0].iloc[0]]
    chart_obj = SPCChart(chart, scale=scale, rebase=rebase, xmr_factor="d2")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # some rebased periods have trial limits
        if chart == "xbar":
            return chart_obj.fit(g.numerators.values, x=x, sds=g.xbar_sds.values, sizes=g.denominators.values)
        if chart == "s":
            return chart_obj.fit(None, x=x, sds=g.sds.values, sizes=g.denominators.values)
        den = g.denominators.values if g.denominators.notna().all() else None
        return chart_obj.fit(g.numerators.values, den, x=x)


@pytest.mark.parametrize("chart_test", CHART_TESTS)
def test_powerbi_spc_limits(vectors, chart_test):
    g = vectors[vectors.chart_test == chart_test].sort_values("idx")
    assert len(g) > 0, f"PowerBI-SPC {chart_test}.test.ts vectors missing"
    tolerance = 0.5 * 10.0 ** -int(g.tolerance_digits.iloc[0])
    result = fit_powerbi(g)
    for ours, theirs in LIMIT_COLUMNS:
        diff = np.abs(getattr(result, ours) - g[theirs].to_numpy(float))
        assert np.all(diff < tolerance), f"{chart_test}.test.ts {theirs}: max |diff| {diff.max():.3g}"


def test_powerbi_spc_moving_ranges(vectors):
    """mr.test.ts: the plotted moving ranges |x_i - x_(i-1)| of the ratio series (rows 2-17)."""
    g = vectors[vectors.chart_test == "mr"].sort_values("idx")
    tolerance = 0.5 * 10.0 ** -int(g.tolerance_digits.iloc[0])
    result = fit_powerbi(g)
    assert np.isnan(result.y[0])
    assert np.all(np.abs(result.y[1:] - g["values"].to_numpy(float)[1:]) < tolerance)


def test_powerbi_c_chart_rebase_gives_two_periods(vectors):
    g = vectors[vectors.chart_test == "c"].sort_values("idx")
    result = fit_powerbi(g)
    assert [p.n for p in result.periods] == [24, 12]
    assert [p.trial for p in result.periods] == [False, False]  # 12 points are enough (fewer are trial)
    assert result.cl[0] != result.cl[-1]


def test_powerbi_g_chart_centre_line_is_the_median_option(vectors):
    """g.ts draws the median as the centre line; limits come from the mean either way."""
    g = vectors[vectors.chart_test == "g"].sort_values("idx")
    y = g.numerators.to_numpy(float)
    mean_line = SPCChart("g").fit(y)
    median_line = SPCChart("g", g_centre="median").fit(y)
    assert mean_line.cl[0] == pytest.approx(np.mean(y), rel=1e-12)
    assert median_line.cl[0] == pytest.approx(np.median(y), rel=1e-12)
    np.testing.assert_allclose(mean_line.upl, median_line.upl, rtol=1e-12)

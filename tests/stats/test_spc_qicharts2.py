"""qicharts2 reference outputs: the Montgomery textbook tables and the hospital-infection summaries.

Source: cran/qicharts2@569c169 (qicharts2 0.8.1, J. Anhøj, GPL-3), ``tests/testthat/test_montgomery.R`` and
``test_hai.R`` outputs converted to CSV in ``../shared/data/qicharts2/test_vectors`` (read from there,
never copied; PROVENANCE.md gives each ``qic()`` call). The expected values are doubles at full
precision, so the tolerance is floating-point rounding (``QICHARTS2_RTOL``).

Settings that reproduce qicharts2: ``subgroup_sigma="sbar"`` (mean s for equal subgroup sizes,
Montgomery eq. 6.29), ``xmr_factor="d2"`` (sigma = AMR / 1.128), screening on (``qic.screenedmr``
is TRUE when the package is attached), ``part`` -> ``rebase``, ``freeze`` -> ``fix_after``,
``multiply`` -> ``scale``; ``runs_analysis=True`` for the Anhøj columns.

Two documented differences:
- qicharts2 still marks an *excluded* point beyond the limits as a sigma signal; we never flag an
  excluded point (it is out of the analysis). Compared on included points only.
- NA_test: a subgroup with no observations adds -1 to qicharts2's pooled degrees of freedom
  (``sum(y.length - 1)`` includes 0 - 1), which inflates s by sqrt(dof / (dof - 1)); we leave the empty
  subgroup out.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from caresignal.stats.spc import SPCChart, fit_facets
from caresignal.stats.spc.constants import a3

QICHARTS2_RTOL = 1e-9
QICHARTS2_ATOL = 1e-12


@pytest.fixture(scope="module")
def qic(shared_data):
    root = shared_data("qicharts2")
    return lambda name: pd.read_csv(root / "test_vectors" / name)


@pytest.fixture(scope="module")
def infections(shared_data):
    return pd.read_csv(shared_data("qicharts2") / "hospital_infections.csv")


def fit(chart, *args, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return chart.fit(*args, **kw)


def close(ours, theirs):
    np.testing.assert_allclose(np.asarray(ours, float), np.asarray(theirs, float),
                               rtol=QICHARTS2_RTOL, atol=QICHARTS2_ATOL)


def check_chart(result, expected, included=None):
    close(result.cl, expected.cl)
    close(result.lpl, expected.lcl)
    close(result.upl, expected.ucl)
    runs = result.periods[0].runs
    first = expected.iloc[0]
    assert (runs.n_useful, runs.longest_run, runs.longest_run_max, runs.n_crossings,
            runs.n_crossings_min, int(runs.signal)) == (
        first["n.useful"], first["longest.run"], first["longest.run.max"], first["n.crossings"],
        first["n.crossings.min"], first["runs.signal"])
    signal = np.array([r == "outside_limits" for r in result.rule])
    keep = np.ones(len(signal), bool) if included is None else included
    assert signal[keep].tolist() == expected["sigma.signal"].astype(bool).to_numpy()[keep].tolist()


@pytest.mark.parametrize("table, chart, expected", [
    ("06.03", "xbar", "ex_6.3_1"), ("06.03", "s", "ex_6.3_2"),      # constant subgroup size 5
    ("06.04", "xbar", "ex_6.4_1"), ("06.04", "s", "ex_6.4_2"),      # unequal subgroup sizes
])
def test_montgomery_xbar_and_s(qic, table, chart, expected):
    data = qic(f"inputs_tbl_{table}.csv")
    result = SPCChart(chart, subgroup_sigma="sbar", runs_analysis=True).fit_subgroups(
        data.obs.to_numpy(float), data["sample"].tolist())
    check_chart(result, qic(f"expected_{expected}.csv"))


@pytest.mark.parametrize("chart, expected", [("i", "ex_6.5_3"), ("mr", "ex_6.5_4")])
def test_montgomery_individuals_and_moving_range_frozen_after_20(qic, chart, expected):
    data = qic("inputs_tbl_06.07.csv")
    result = fit(SPCChart(chart, fix_after=20, xmr_factor="d2", runs_analysis=True), data.cost.to_numpy(float))
    check_chart(result, qic(f"expected_{expected}.csv"))


def test_montgomery_p_chart_with_exclusions_and_a_new_part(qic):
    data = qic("inputs_tbl_07.03.csv")
    result = fit(SPCChart("p", exclude=[15, 23], rebase=[31], runs_analysis=True),
                 data["count"].to_numpy(float), data["size"].to_numpy(float), x=data["sample"].tolist())
    check_chart(result, qic("expected_ex_7.1_5.csv"), included=~result.excluded)


def test_montgomery_p_chart_variable_sizes(qic):
    data = qic("inputs_tbl_07.04.csv")
    result = fit(SPCChart("p", runs_analysis=True), data["count"].to_numpy(float), data["size"].to_numpy(float))
    check_chart(result, qic("expected_tbl_7.4_1.csv"))


def test_montgomery_c_chart_excluded_and_frozen(qic):
    data = qic("inputs_tbl_07.08.csv")
    result = fit(SPCChart("c", exclude=[6, 20], fix_after=26, runs_analysis=True), data["count"].to_numpy(float))
    check_chart(result, qic("expected_ex_7.3_3.csv"), included=~result.excluded)
    assert result.periods[0].runs.signal  # too few crossings: 14 < 16 (the longest run, 8, is allowed)


def test_montgomery_u_charts(qic):
    data = qic("inputs_tbl_07.10.csv")
    result = fit(SPCChart("u", runs_analysis=True), data["count"].to_numpy(float), data["size"].to_numpy(float))
    check_chart(result, qic("expected_ex_7.4_1.csv"))
    data = qic("inputs_tbl_07.11.csv")  # multiply = 50: nonconformities per 50 square metres
    result = fit(SPCChart("u", scale=50, runs_analysis=True), data["count"].to_numpy(float),
                 data["meters"].to_numpy(float))
    check_chart(result, qic("expected_ex_7.5_1.csv"))


def test_montgomery_t_chart(qic):
    data = qic("inputs_tbl_07.14.csv")
    result = fit(SPCChart("t", runs_analysis=True), data["hours"].to_numpy(float))
    check_chart(result, qic("expected_ex_7.6_1.csv"))


def test_na_test_xbar_differs_only_by_the_empty_subgroup(qic):
    data = qic("inputs_NA_test.csv").dropna()
    expected = qic("expected_NA_test.csv")
    expected = expected[expected["y.length"] > 0]  # subgroup 16 has no observations
    result = SPCChart("xbar", runs_analysis=True).fit_subgroups(data.obs.to_numpy(float), data["sample"].tolist())
    close(result.cl, expected.cl)
    s = result.periods[0].evidence["s"]
    sizes = expected["y.length"].to_numpy(float)
    dof = np.sum(sizes[sizes >= 2] - 1)
    s_qicharts2 = s * np.sqrt(dof / (dof - 1))  # their extra -1 degree of freedom
    close(result.cl + a3(sizes) * s_qicharts2, expected.ucl)
    assert result.periods[0].runs.n_useful == expected["n.useful"].iloc[0]
    assert np.isnan(result.upl[np.asarray(sizes) == 1]).all()  # a subgroup of one has no limits


def summary_row(result):
    runs = result.periods[0].runs
    return (runs.n_obs, runs.longest_run, runs.n_crossings, runs.n_crossings_min, int(runs.signal),
            float(np.mean(result.lpl)), float(result.cl[0]), float(np.mean(result.upl)),
            int(any(r == "outside_limits" for r in result.rule)))


def expected_row(row):
    return (row["n.obs"], row["longest.run"], row["n.crossings"], row["n.crossings.min"], row["runs.signal"],
            row.aLCL, row.CL, row.aUCL, row["sigma.signal"])


def assert_rows(ours, theirs):
    assert ours[:5] == pytest.approx(theirs[:5])
    close(ours[5:8], theirs[5:8])
    assert ours[8] == theirs[8]


def test_hospital_infections_all_hospitals(qic, infections):
    monthly = infections.groupby("month")[["n", "days"]].sum().reset_index()
    result = SPCChart("u", runs_analysis=True).fit(monthly.n.to_numpy(float), monthly.days.to_numpy(float),
                                                    x=monthly.month.tolist())
    assert_rows(summary_row(result), expected_row(qic("expected_hai_1.csv").iloc[0]))


@pytest.mark.parametrize("expected, by", [("expected_hai_2.csv", ["infection"]),
                                          ("expected_hai_3.csv", ["hospital", "infection"])])
def test_hospital_infections_facets(qic, infections, expected, by):
    data = infections.groupby(by + ["month"])[["n", "days"]].sum().reset_index()
    groups = list(zip(*(data[c] for c in by)))
    facets = fit_facets(SPCChart("u", runs_analysis=True), groups, data.n.to_numpy(float),
                        data.days.to_numpy(float), x=data.month.tolist())
    table = qic(expected)
    assert len(table) == len(facets.results)
    for _, row in table.iterrows():
        key = (row.facet1,) if len(by) == 1 else (row.facet1, row.facet2)
        assert_rows(summary_row(facets.results[key]), expected_row(row))


def test_hospital_infections_by_hospital_last_six_months(qic, infections):
    # hai_4: x = hospitals ordered by mean risk days (reorder(hospital, days)), rates per 10,000 days
    recent = infections[infections.month >= "2016-07-01"]
    order = recent.groupby("hospital").days.mean().sort_values(kind="stable").index.tolist()
    table = qic("expected_hai_4.csv")
    for infection, rows in recent.groupby("infection"):
        totals = rows.groupby("hospital")[["n", "days"]].sum().loc[order]
        result = fit(SPCChart("u", scale=10000, runs_analysis=True), totals.n.to_numpy(float),
                     totals.days.to_numpy(float), x=order)
        assert_rows(summary_row(result), expected_row(table[table.facet1 == infection].iloc[0]))

"""The outcomes service end to end on the mini world: O = E, landing in the store, the CLI, and the
official SHMI bandings through the engine's banding path."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from caresignal.engine import signals
from caresignal.engine.backends import connect, read_inputs
from caresignal.surveillance.outcomes import OUTCOME_INDICATORS, compute_outcomes, run_outcomes

# Published SHMI bands are coded 1 higher, 2 as expected, 3 lower (NHS England SHMI data files).
SHMI_CODES = {"higher": 1, "as_expected": 2, "lower": 3}


def test_official_shmi_bandings_reproduced_through_the_engine_banding_path(shared_data):
    """Trust profiles snapshot (trustpulse, Jan25-Dec25 SHMI): PROVENANCE.md reports 118 of 118 trusts
    reproduced from published O and E; the engine's path must give the same."""
    path = shared_data("trustpulse_trust_profiles") / "trust_quality_signals_2026-03.csv"
    d = pd.read_csv(path)
    d = d.dropna(subset=["observed_deaths_latest", "expected_deaths_latest", "shmi_banding"])
    frame = pd.DataFrame({"org_code": d["org_code"], "observed": d["observed_deaths_latest"],
                          "expected": d["expected_deaths_latest"]})
    banded, result = signals.band_ratios(frame)
    got = banded["band"].map(SHMI_CODES).to_numpy()
    want = d["shmi_banding"].astype(int).to_numpy()
    assert len(got) == 118
    assert (got == want).all(), banded.loc[got != want, ["org_code", "band"]]
    # PROVENANCE.md: phi = 15.98 and tau2 = 0.00665 from the same inputs
    assert result.phi == pytest.approx(15.98, abs=0.01)
    assert result.tau2 == pytest.approx(0.00665, abs=1e-5)


@pytest.fixture(scope="module")
def mini_result(mini_world):
    return compute_outcomes(read_inputs(connect("duckdb"), mini_world))


def test_national_observed_equals_expected(mini_result):
    for name in ("shmi", "hsmr", "readmission"):
        f = getattr(mini_result, name)
        assert f["observed"].sum() == pytest.approx(f["expected"].sum(), rel=1e-9), name


def test_every_model_reports_its_diagnostics(mini_result):
    d = mini_result.diagnostics
    assert set(d["model"]) == {"shmi", "hsmr", "readmission", "breast_complication", "breast_return_to_theatre"}
    fitted = d[~d["handling"].isin(["no_events", "all_events"])]
    assert fitted["c_statistic"].between(0.5, 1).all()
    assert (fitted["handling"] != "").all()
    cal = mini_result.calibration
    one = cal[(cal["model"] == "shmi") & (cal["group"] == 1)]
    assert len(one) == 10 and one["n"].sum() == d.loc[(d["model"] == "shmi") & (d["group"] == 1), "n"].item()


def test_cusum_table_has_one_row_per_series_and_fdr_columns(mini_result):
    c = mini_result.cusum
    assert len(c) == len(c[["org_code", "group"]].drop_duplicates()) > 0
    tested = c[c["monitored"]]
    assert tested["p_value"].between(0, 1).all()
    assert (tested["q_value"] >= tested["p_value"] - 1e-12).all()
    assert c.loc[~c["monitored"], "p_value"].isna().all()


def test_landing_in_the_store_is_idempotent(mini_world, tmp_path):
    from caresignal.ingest.load import load_directory
    from caresignal.store.repository import Store

    url = f"sqlite:///{tmp_path}/store.db"
    load_directory(mini_world, url)
    first = run_outcomes(mini_world, database_url=url)
    second = run_outcomes(mini_world, database_url=url)
    assert first.written == second.written > 0
    with Store(url) as store:
        shmi = store.indicator_observations("shmi_12m")
        assert len(shmi) == len(first.shmi)
        o = {x.org_code: x for x in shmi}
        row = first.shmi.iloc[0]
        assert o[row["org_code"]].expected == pytest.approx(row["expected"])
        assert o[row["org_code"]].value == pytest.approx(row["observed"] / row["expected"])
        total = sum(len(store.indicator_observations(i)) for i in OUTCOME_INDICATORS)
    assert total == second.written
    assert (tmp_path / "warehouse" / "outcomes" / first.as_of / "cusum.parquet").exists()


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "caresignal.cli", *args], capture_output=True, text=True)


def test_cli_runs_and_reports(mini_world, tmp_path):
    run = _cli("outcomes", "--data", str(mini_world), "--as-of", "2024-01",
               "--database", f"sqlite:///{tmp_path}/cli.db")
    assert run.returncode == 0, run.stderr
    assert "Outcomes for the 12 months to 2024-01 (duckdb)" in run.stdout
    assert "SHMI-style ratio" in run.stdout and "Traceback" not in run.stderr


@pytest.mark.parametrize("args, message", [
    (("--engine", "oracle"), "--engine must be one of duckdb, spark; got 'oracle'"),
    (("--as-of", "2024-13"), "--as-of must be a month YYYY-MM; got '2024-13'"),
    (("--as-of", "1999-01"), "as-of month 1999-01 is before the first month in the data"),
])
def test_cli_bad_options_exit_2_with_one_line(mini_world, tmp_path, args, message):
    run = _cli("outcomes", "--data", str(mini_world), "--database", f"sqlite:///{tmp_path}/x.db", *args)
    assert run.returncode == 2
    assert message in run.stderr and "Traceback" not in run.stderr


def test_cli_missing_source_names_the_file(tmp_path):
    run = _cli("outcomes", "--data", str(tmp_path), "--database", f"sqlite:///{tmp_path}/x.db")
    assert run.returncode == 2
    assert "admissions.parquet" in run.stderr and "Traceback" not in run.stderr


def test_aggregate_coefficients_match_row_level_logit_on_the_mini_world(mini_world):
    """One SHMI group refitted row by row with statsmodels Logit: same coefficients (1e-6).

    Unsmoothed (``smooth=False``), since Logit has no smoothing penalty; the smoothed fit's agreement
    with a row-level penalised fit is tested in test_smoothing.py."""
    import statsmodels.api as sm

    from caresignal.engine import cohort, expected
    from caresignal.engine.covariates import PatternSpec, year_index_factor
    from caresignal.engine.logistic import design_matrix
    from caresignal.engine.models import fit_models
    from caresignal.engine.run import SHMI_FACTORS

    inputs = read_inputs(connect("duckdb"), mini_world)
    t = cohort.window(cohort.shmi_cohort(inputs.admissions, perinatal_groups=inputs.perinatal_groups),
                      cohort.parse_month("2024-03"), 36)
    spec = PatternSpec(SHMI_FACTORS + (year_index_factor(2),), inputs.n_groups)
    keyed = expected.with_pattern(t.filter(t.group == 1), spec)
    model = fit_models(expected.aggregate_patterns(keyed).execute(), spec, smooth=False).models[1]
    rows = keyed.select("pattern", "died").execute()
    _, codes = spec.decode(rows["pattern"].to_numpy())
    logit = sm.Logit(rows["died"].to_numpy(float), design_matrix(codes, list(model.maps)).toarray()).fit(
        disp=0, tol=1e-12, maxiter=100)
    np.testing.assert_allclose(model.coef, logit.params, atol=1e-6)

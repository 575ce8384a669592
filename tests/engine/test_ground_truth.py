"""The engine against the generator's ground truth on a small synthetic England (issue 5, "Proof").

World: seed 7, 50 trusts, 36 months from 2023-04, admissions at scale 0.03 (about 1.9 million spells,
~30 s to generate). Mastectomies are far rarer than admissions (15,000 a year nationally, so ~10 per
trust a year at scale 0.03), so the breast file is regenerated from the same world at scale 1.0 with the
generator's own breast module: same trusts, same planted breast service.

Where the planted effect is too weak for an assertion at this (or any) size, the assertion is kept
and marked as a strict expected failure whose reason gives the measured figures; see the report in
docs/outcomes.md ("What the ground-truth tests found").
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from scipy.stats import binom

from caresignal.engine.backends import connect, read_inputs
from caresignal.engine.cohort import format_month, parse_month
from caresignal.engine.diagnostics import c_statistic
from caresignal.surveillance.outcomes import compute_outcomes

pytestmark = pytest.mark.slow
SEED, TRUSTS, MONTHS, START, SCALE = 7, 50, 36, "2023-04", 0.03
CUSUM_WITHIN_MONTHS = 6  # issue 5: signalled by CUSUM within 6 months of onset
C_TOLERANCE = 0.01  # issue 5: c-statistic within 0.01 of the true-risk c-statistic per group
CV_FOLDS = 5  # cross-fitting folds of patients for the out-of-sample c-statistic (engine.crossfit)
C_MIN_DEATHS = 100  # groups with fewer deaths have c-statistics too noisy to compare at 0.01
# A model is judged against the 0.01 tolerance where it has at least 10 events per parameter (Peduzzi P,
# Concato J, Kemper E, Holford TR, Feinstein AR (1996). A simulation study of the number of events per
# variable in logistic regression analysis. J Clin Epidemiol 49:1373-9), the classic condition for a
# logistic model's estimates not to be dominated by small-sample error; parameters are the model's
# columns (before smoothing), so the rule does not lean on the smoothing it is checking.
EVENTS_PER_PARAMETER = 10
# Out of sample, each fold holds a fifth of the deaths and each model is fitted on four fifths, so the
# cross-fitted comparison is itself noisy; it is held to 0.01 where every fold has >= 200 deaths.
C_CV_MIN_DEATHS = 1000
C_CV_FLOOR = 0.02  # elsewhere (10+ events per parameter) no model may trail the truth by more than this
# False-positive allowance: the 99% one-sided binomial quantile of the nominal rate among the trusts.
ALLOWANCE_QUANTILE = 0.99


def _write_breast_at_national_scale(out):
    """Regenerate breast_surgery.parquet from the same world at scale 1.0 (generator internals)."""
    import pyarrow as pa

    from caresignal.synth import admissions as synth_admissions
    from caresignal.synth.generate import _write_breast
    from caresignal.synth.world import build_world

    world = build_world(SEED, trusts=TRUSTS, months=MONTHS, start=START, scale=1.0)
    _write_breast(world, out / "breast_surgery.parquet", pa.array(world.orgs["org_code"].tolist()),
                  synth_admissions.Calendar(world).epoch_day0)


@pytest.fixture(scope="module")
def england(tmp_path_factory):
    from caresignal.synth.generate import generate_england

    out = tmp_path_factory.mktemp("england")
    generate_england(out, seed=SEED, trusts=TRUSTS, months=MONTHS, start=START, scale=SCALE)
    _write_breast_at_national_scale(out)
    truth = json.loads((out / "ground_truth.json").read_text())
    scenarios = {s["kind"]: s for s in truth["scenarios"] if s["kind"] != "alert_noncompliance"}
    noise = [s["org_code"] for s in truth["scenarios"] if s["kind"] == "noise_month"]
    return out, scenarios, noise


@pytest.fixture(scope="module")
def inputs(england):
    return read_inputs(connect("duckdb"), england[0])


@pytest.fixture(scope="module")
def final(inputs):
    """The monthly step for the last month (every stage)."""
    return compute_outcomes(inputs)


@pytest.fixture(scope="module")
def early(inputs, england):
    """The CUSUM as it stood six months after the general failure began."""
    onset = parse_month(england[1]["general_failure"]["onset_month"])
    return compute_outcomes(inputs, format_month(onset + CUSUM_WITHIN_MONTHS), stages=("cusum",))


def _unplanted(final, england):
    _, sc, noise = england
    planted = {s["org_code"] for s in sc.values()} | set(noise)
    return [o for o in final.shmi["org_code"] if o not in planted]


def test_national_observed_equals_expected(final):
    assert final.shmi["observed"].sum() == pytest.approx(final.shmi["expected"].sum(), rel=1e-9)


def test_general_failure_signalled_by_cusum_within_six_months(early, england):
    gf = england[1]["general_failure"]
    onset = parse_month(gf["onset_month"])
    c = early.cusum
    mine = c[(c["org_code"] == gf["org_code"]) & c["group"].isin(gf["effect"]["diagnosis_groups"])]
    first = mine["first_signal_month"].dropna().astype(int)
    assert ((first >= onset) & (first <= onset + CUSUM_WITHIN_MONTHS)).any(), mine


def test_general_failure_later_banded_higher(final, england):
    gf = england[1]["general_failure"]["org_code"]
    assert final.shmi.set_index("org_code").loc[gf, "band"] == "higher"


def test_general_failure_coding_changes_flagged(final, england):
    gf = england[1]["general_failure"]["org_code"]
    flags = final.coding_flags.set_index("org_code").loc[gf]
    assert flags["palliative_flag"] and flags["depth_flag"]


def test_case_mix_bait_high_crude_but_not_flagged_after_adjustment(final, england):
    bait = england[1]["case_mix_bait"]["org_code"]
    s = final.shmi.set_index("org_code")
    national_crude = s["observed"].sum() / s["spells"].sum()
    crude = s.loc[bait, "observed"] / s.loc[bait, "spells"]
    assert crude > 1.2 * national_crude  # clearly high before adjustment
    assert s.loc[bait, "band"] != "higher"
    assert not final.cusum.loc[final.cusum["org_code"] == bait, "flagged"].any()


def test_breast_service_stands_out_on_complications(final, england):
    """The planted failure is in mastectomy with immediate reconstruction (odds ratio 3 for complications
    and returns to theatre), which the audit reports separately: that stratum is banded higher, for
    this trust only; over all its mastectomies the return-to-theatre ratio is higher too."""
    bs = england[1]["breast_service"]["org_code"]
    b = final.breast.set_index("org_code")
    assert b.loc[bs, "complication_ibr_band"] == "higher"
    assert b.loc[bs, "complication_ratio_ibr"] > b.loc[bs, "complication_ratio_no_ibr"]
    assert b.loc[bs, "rtt_band"] == "higher"
    assert (b["complication_ibr_band"] == "higher").sum() == 1


def test_false_positive_rates_among_unplanted_trusts(final, england, capsys):
    clean = _unplanted(final, england)
    n = len(clean)
    shmi = final.shmi.set_index("org_code").loc[clean]
    higher = int((shmi["band"] == "higher").sum())
    cusum = final.cusum[final.cusum["org_code"].isin(clean)]
    cusum_trusts = int(cusum.groupby("org_code")["flagged"].any().sum())
    crossed = float((cusum.loc[cusum["monitored"], "signals"] > 0).mean())
    flags = final.coding_flags.set_index("org_code").loc[clean]
    with capsys.disabled():
        print(f"\nunplanted trusts: {n}; SHMI banded higher {higher} ({higher / n:.1%}, nominal 2.5%); "
              f"trusts with a CUSUM flag after FDR {cusum_trusts} ({cusum_trusts / n:.1%}); monitored "
              f"series crossing h {crossed:.1%} (nominal 5% a year); palliative coding flags "
              f"{int(flags['palliative_flag'].sum())}, comorbidity depth flags {int(flags['depth_flag'].sum())}")
    # SHMI bands use two-sided 95% limits: 2.5% banded higher by chance
    assert higher <= binom.ppf(ALLOWANCE_QUANTILE, n, 0.025)
    # FDR at 5% with no true signal among these trusts bounds the chance of any discovery by 5%
    assert cusum_trusts <= binom.ppf(ALLOWANCE_QUANTILE, n, 0.05)
    assert crossed <= 0.05 + 0.02


def test_unplanted_trusts_banded_higher_are_those_with_worse_hidden_quality(final, england, capsys):
    """Trusts with no planted scenario still differ in hidden quality (the generator's log-odds effect on
    mortality, SD ~0.09): a trust banded higher among them should be one whose care is truly worse, not
    chance. Measured: the three banded higher are the three worst of 50 (+0.14 to +0.17 log odds)."""
    from caresignal.synth.world import build_world

    quality = build_world(SEED, trusts=TRUSTS, months=MONTHS, start=START, scale=SCALE).orgs.set_index(
        "org_code")["quality"]
    shmi = final.shmi.set_index("org_code").loc[_unplanted(final, england)]
    higher = shmi.index[shmi["band"] == "higher"]
    z = (quality - quality.mean()) / quality.std()
    with capsys.disabled():
        print(f"\nunplanted trusts banded higher: hidden quality z {z[higher].round(2).tolist()} "
              f"(rank of 50, 1 = worst: {quality.rank(ascending=False)[higher].astype(int).tolist()})")
    assert (z[higher] > 1.0).all()


def _true_and_model_c(inputs, final):
    from caresignal.engine import cohort, crossfit, expected
    from caresignal.engine.run import run_engine

    res = run_engine(inputs, stages=("shmi",))
    t = cohort.window(cohort.shmi_cohort(inputs.admissions, perinatal_groups=inputs.perinatal_groups,
                                         specialist_orgs=inputs.specialist_orgs), res.as_of, 36)
    pts = t.group_by(["group", "synthetic_true_risk"]).aggregate(n=t.count(), d=t.died.sum()).execute()
    rows = []
    for g, x in pts.groupby("group"):
        m = res.shmi.models.models.get(int(g))
        if m is None or x["d"].sum() < C_MIN_DEATHS:
            continue
        rows.append((int(g), int(x["d"].sum()), c_statistic(x["synthetic_true_risk"], x["d"], x["n"]),
                     m.c_statistic, len(m.coef) - 1, m.edf))
    table = pd.DataFrame(rows, columns=["group", "deaths", "c_true", "c_model", "parameters", "edf"])
    # Out of sample: the same group models cross-fitted over folds of patients (engine.crossfit).
    spec = res.shmi.models.spec
    folds = crossfit.aggregate_pattern_folds(crossfit.with_patient_fold(expected.with_pattern(t, spec), CV_FOLDS))
    cv = crossfit.cross_validated_c_statistic(folds.execute(), spec, table["group"].tolist())
    # The truth scored the same way: its c-statistic within each fold, averaged over the folds.
    tf = crossfit.with_patient_fold(t, CV_FOLDS)
    true_folds = tf.group_by(["group", "fold", "synthetic_true_risk"]).aggregate(n=tf.count(), d=tf.died.sum())
    c_true_cv = (true_folds.execute().groupby(["group", "fold"])
                 .apply(lambda x: c_statistic(x["synthetic_true_risk"], x["d"], x["n"]), include_groups=False)
                 .groupby(level="group").mean().rename("c_true_cv").reset_index())
    cv = cv.rename(columns={"c_cross_validated": "c_cv"})[["group", "c_cv", "c_pooled"]]
    return table.merge(cv, on="group").merge(c_true_cv, on="group")


@pytest.fixture(scope="module")
def c_table(inputs, final):
    return _true_and_model_c(inputs, final)


# The comparison is with the generator's full true risk, trust quality and planted effects included:
# that is the proof as stated, and the trust terms are what the model must not adjust for. Their share
# of within-group discrimination is small (quality SD 0.1 log odds): measured on this world, the
# c-statistic of the true risk without the trust quality differs from the full one by at most 0.005 in
# any group with >= 100 deaths, and every finding below holds against either.


def test_c_statistic_close_to_true_risk_overall(c_table, capsys):
    diff = (c_table["c_model"] - c_table["c_true"]).abs()
    with capsys.disabled():
        print(f"\nc-statistic vs true risk over {len(c_table)} groups with >= {C_MIN_DEATHS} deaths: median "
              f"|diff| {diff.median():.4f}, 90th percentile {diff.quantile(0.9):.4f}, within 0.01: "
              f"{(diff <= C_TOLERANCE).mean():.0%}")
        cv = (c_table["c_cv"] - c_table["c_true_cv"]).abs()
        print(f"cross-fitted ({CV_FOLDS} folds of patients): median |diff| {cv.median():.4f}, 90th percentile "
              f"{cv.quantile(0.9):.4f}, max {cv.max():.4f}, within 0.01: {(cv <= C_TOLERANCE).mean():.0%}")
    assert diff.median() <= C_TOLERANCE / 2
    assert diff.quantile(0.9) <= 2 * C_TOLERANCE


def _estimable(c_table):
    return c_table[c_table["deaths"] >= EVENTS_PER_PARAMETER * c_table["parameters"]]


def test_c_statistic_within_001_of_true_risk_in_every_estimable_group(c_table, capsys):
    """The proof: the c-statistic each model reports (in sample, as SHMI publishes it) is within 0.01 of
    the true risk's, in every diagnosis group with at least 10 deaths per model parameter.

    Before the level effects were smoothed (engine.smoothing) the models' own c-statistic ran up to
    0.027 above the truth in groups of a few hundred deaths (optimism of ~35 free parameters), while out
    of sample they trailed it by up to 0.036."""
    e = _estimable(c_table)
    diff = e["c_model"] - e["c_true"]
    with capsys.disabled():
        print(f"\n{len(e)} groups with >= {EVENTS_PER_PARAMETER} deaths per parameter: c-statistic minus the "
              f"true risk's: in sample {diff.min():+.4f} to {diff.max():+.4f}; cross-fitted "
              f"{(e['c_cv'] - e['c_true_cv']).min():+.4f} to {(e['c_cv'] - e['c_true_cv']).max():+.4f}")
    assert len(e) >= 20  # the proof covers the groups that carry most deaths, not a handful
    assert (diff.abs() <= C_TOLERANCE).all(), e


def test_cross_fitted_c_statistic_close_to_true_risk(c_table):
    """Out of sample (5 folds of patients): within 0.01 of the truth where every fold has >= 200
    deaths, and no estimable group's model more than 0.02 below it."""
    gap = c_table["c_cv"] - c_table["c_true_cv"]
    large = c_table["deaths"] >= C_CV_MIN_DEATHS
    assert large.sum() >= 5
    assert (gap[large].abs() <= C_TOLERANCE).all(), c_table[large]
    e = _estimable(c_table)
    assert ((e["c_cv"] - e["c_true_cv"]) >= -C_CV_FLOOR).all(), e


def test_no_group_model_discriminates_worse_than_true_risk_by_more_than_001(c_table):
    """The case-mix model misses nothing the true risk uses: every patient-level term of the generator's
    risk is a SHMI covariate (admissions_model), and sparse levels merge into like levels (logistic).
    Before both fixes the model trailed the truth by up to 0.047 (day cases merged into emergencies,
    care-home and readmission terms the model cannot see); with 1,000-g-wide birthweight bands the
    perinatal model trailed it by 0.014."""
    assert (c_table["c_model"] - c_table["c_true"] >= -C_TOLERANCE).all(), c_table

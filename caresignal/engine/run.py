"""The edge of the engine: runs the Ibis pipelines on one backend for an as-of month and returns frames.

Everything before this module builds expressions; here they are executed, once each, in stages:

1. aggregate the fit window by pattern key (``GROUP BY pattern``), on the backend;
2. fit one logistic model per group in Python on those binomial counts;
3. hand the per-pattern probabilities back as a table and join them to the spells on the key;
4. aggregate observed and expected per trust, group and month, on the backend.

Only pattern aggregates, per-trust-month summaries and the CUSUM input (two numbers per matured spell
of the monitored year) reach Python. Each stage's time and row count are recorded for the benchmark.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable

import ibis
import ibis.expr.types as ir
import numpy as np
import pandas as pd

from caresignal.domain.errors import InputError
from caresignal.engine import breast as br
from caresignal.engine import cohort, coding, expected, readmissions
from caresignal.engine.covariates import (ADMISSION_METHOD, ADMISSION_MONTH, ADMISSION_SOURCE, AGE_GROUP,
                                          BIRTHWEIGHT_GROUP, CHARLSON_GROUP, DEPRIVATION_QUINTILE,
                                          PALLIATIVE, SEX, PatternSpec, year_index_factor)
from caresignal.engine.backends import materialise
from caresignal.engine.cusum_input import CusumSeries, cusum_spells
from caresignal.engine.models import ModelSet, fit_models

# SHMI: 36 months of data for the models, with a year index per 12-month block; 12 months reported.
FIT_MONTHS = 36
REPORT_MONTHS = 12
# CUSUM: one year monitored (the false-alarm horizon), risks from a model of up to two years before it,
# and at least six months of such data.
MONITOR_MONTHS = 12
BASELINE_MONTHS = 24
MIN_BASELINE_MONTHS = 6

SHMI_FACTORS = (AGE_GROUP, SEX, ADMISSION_METHOD, ADMISSION_MONTH, CHARLSON_GROUP, BIRTHWEIGHT_GROUP)
HSMR_FACTORS = SHMI_FACTORS + (PALLIATIVE, DEPRIVATION_QUINTILE, ADMISSION_SOURCE)
READMISSION_FACTORS = (AGE_GROUP, SEX, ADMISSION_METHOD, CHARLSON_GROUP)


@dataclass(frozen=True)
class EngineInputs:
    """Backend tables of the large sources and small lookups as frames."""

    admissions: ir.Table
    groups: pd.DataFrame  # diagnosis_groups.csv
    orgs: pd.DataFrame | None = None  # organisations.csv
    breast: ir.Table | None = None

    @property
    def perinatal_groups(self) -> list[int]:
        g = self.groups
        return [int(x) for x in g.loc[g["perinatal_group"].astype(int) == 1, "group_id"]]

    @property
    def specialist_orgs(self) -> list[str]:
        if self.orgs is None:
            return []
        return sorted(self.orgs.loc[self.orgs["trust_type"] == cohort.SPECIALIST_TRUST_TYPE, "org_code"])

    @property
    def readmission_excluded_groups(self) -> list[int]:
        """Cancer (chapter II), chemotherapy/radiotherapy, pregnancy and perinatal groups."""
        g = self.groups
        chapter = g["chapter"].astype(str)
        name = g["group_name"].astype(str).str.lower()
        mask = (chapter.str.startswith("II ") | chapter.str.startswith("XV ") | chapter.str.startswith("XVI ")
                | name.str.contains("chemotherapy") | name.str.contains("radiotherapy"))
        return [int(x) for x in g.loc[mask, "group_id"]]

    @property
    def n_groups(self) -> int:
        return int(self.groups["group_id"].max()) + 1


@dataclass
class StageTiming:
    name: str
    seconds: float
    rows: int

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds > 0 else float("nan")


@dataclass
class FamilyResult:
    """A model family's fitted models and its observed/expected table (one row per ``by`` cell)."""

    models: ModelSet
    oe: pd.DataFrame
    fit_window: tuple[int, int]
    patterns: int


@dataclass
class EngineResult:
    as_of: int
    first_month: int
    shmi: FamilyResult | None = None
    hsmr: FamilyResult | None = None
    readmission: FamilyResult | None = None
    los: pd.DataFrame | None = None
    coding: pd.DataFrame | None = None
    breast: dict[str, FamilyResult] = field(default_factory=dict)
    ibr: pd.DataFrame | None = None
    cusum: CusumSeries | None = None
    cusum_models: ModelSet | None = None
    cusum_window: tuple[int, int] | None = None
    timings: list[StageTiming] = field(default_factory=list)


class Runner:
    """Executes stages, timing each; ``progress(stage, advance, total)`` is called as work is done."""

    def __init__(self, progress: Callable | None = None):
        self.timings: list[StageTiming] = []
        self.progress = progress
        self.cache: dict = {}  # backend tables shared between stages of one run

    def stage(self, name: str, func: Callable[[], object], rows: Callable[[object], int] = len):
        start = time.perf_counter()
        out = func()
        self.timings.append(StageTiming(name, time.perf_counter() - start, int(rows(out))))
        if self.progress is not None:
            self.progress(name, 1, None)
        return out

    def ticker(self, name: str, total: int) -> Callable[[int], None] | None:
        if self.progress is None:
            return None
        return lambda k: self.progress(name, k, total)


def data_months(admissions: ir.Table) -> tuple[int, int]:
    """First and last discharge month index in the admissions table (a tiny query)."""
    m = cohort.month_index(admissions.discharge_date)
    row = admissions.aggregate(lo=m.min(), hi=m.max()).execute()
    if row.empty or pd.isna(row["lo"].iloc[0]):
        raise InputError("no admitted spells to analyse", file="admissions.parquet")
    return int(row["lo"].iloc[0]), int(row["hi"].iloc[0])


def probabilities_table(models: ModelSet, keys: np.ndarray) -> ir.Table:
    """The ``(pattern, p)`` table to join back; patterns of groups without a model are left out."""
    p = models.predict(keys)
    ok = ~np.isnan(p)
    return ibis.memtable(pd.DataFrame({"pattern": np.asarray(keys, dtype=np.int64)[ok], "p": p[ok]}))


def fit_family(runner: Runner, name: str, rows: ir.Table, spec: PatternSpec,
               outcomes: tuple[str, ...] = ("died",), group: str | None = "group"):
    """Aggregate ``rows`` by pattern, fit per group; returns (models, aggregate frame, keyed rows)."""
    keyed = expected.with_pattern(rows, spec, group)
    agg = runner.stage(f"{name}: aggregate patterns",
                       lambda: expected.aggregate_patterns(keyed, outcomes).execute())
    n_models = int(np.unique(spec.decode(agg["pattern"].to_numpy())[0]).size) if len(agg) else 0
    models = runner.stage(f"{name}: fit {n_models} models",
                          lambda: fit_models(agg, spec, progress=runner.ticker(f"{name}: fit", n_models)),
                          rows=lambda m: len(m.models))
    return models, agg, keyed


def years_in(first_month: int, last_month: int, n_months: int) -> int:
    span = min(n_months, last_month - first_month + 1)
    return max(1, -(-span // 12))


# Columns of the SHMI spells kept in the backend between stages (SHMI fit, expected deaths, CUSUM).
KEPT_COLUMNS = ("org_code", "group", "month_index", "discharge_date", "spell_id", "died", "pattern")


def shmi_spells(runner: Runner, inputs: EngineInputs, res: EngineResult):
    """The SHMI cohort of the fit window with its pattern key, computed once and cached on the backend
    (``Table.cache()``: a temporary table on DuckDB, a persisted DataFrame on Spark). The year index is
    the key's last digit, so ``pattern // n_years`` is the key of the same spell without it (the CUSUM
    models' key)."""
    if runner.cache.get("shmi_as_of") == res.as_of:
        return runner.cache["shmi_spec"], runner.cache["shmi_rows"]
    cohort_t = cohort.shmi_cohort(inputs.admissions, perinatal_groups=inputs.perinatal_groups,
                                  specialist_orgs=inputs.specialist_orgs)
    rows = cohort.window(cohort_t, res.as_of, FIT_MONTHS)
    spec = PatternSpec(SHMI_FACTORS + (year_index_factor(years_in(res.first_month, res.as_of, FIT_MONTHS)),),
                       inputs.n_groups)
    keyed = expected.with_pattern(rows, spec).select(*KEPT_COLUMNS)
    keyed, release = runner.stage("SHMI: cohort and pattern keys", lambda: materialise(keyed), rows=lambda t: 0)
    runner.cache.update(shmi_as_of=res.as_of, shmi_spec=spec, shmi_rows=keyed, release=release)
    return spec, keyed


def run_shmi(runner: Runner, inputs: EngineInputs, res: EngineResult) -> None:
    """SHMI-style models and observed/expected per trust, group and month over the fit window."""
    spec, keyed = shmi_spells(runner, inputs, res)
    agg = runner.stage("SHMI: aggregate patterns", lambda: expected.aggregate_patterns(keyed).execute())
    n_models = int(np.unique(spec.decode(agg["pattern"].to_numpy())[0]).size) if len(agg) else 0
    models = runner.stage(f"SHMI: fit {n_models} models",
                          lambda: fit_models(agg, spec, progress=runner.ticker("SHMI: fit", n_models)),
                          rows=lambda m: len(m.models))
    probs = probabilities_table(models, agg["pattern"].to_numpy())
    with_p = expected.join_probabilities(keyed, probs)
    oe = runner.stage("SHMI: expected deaths", lambda: expected.observed_expected(
        with_p, ["org_code", "group", "month_index"]).execute())
    res.shmi = FamilyResult(models, oe, (res.as_of - FIT_MONTHS + 1, res.as_of), len(agg))


def run_hsmr(runner: Runner, inputs: EngineInputs, res: EngineResult) -> None:
    """HSMR-style sensitivity model: in-hospital deaths, also adjusted for palliative care, deprivation and
    admission source (Jarman et al. 1999)."""
    cohort_t = cohort.hsmr_outcome(cohort.shmi_cohort(
        inputs.admissions, perinatal_groups=inputs.perinatal_groups, specialist_orgs=inputs.specialist_orgs))
    rows = cohort.window(cohort_t, res.as_of, FIT_MONTHS)
    spec = PatternSpec(HSMR_FACTORS + (year_index_factor(years_in(res.first_month, res.as_of, FIT_MONTHS)),),
                       inputs.n_groups)
    models, agg, keyed = fit_family(runner, "HSMR", rows, spec)
    with_p = expected.join_probabilities(keyed, probabilities_table(models, agg["pattern"].to_numpy()))
    oe = runner.stage("HSMR: expected deaths", lambda: expected.observed_expected(
        with_p, ["org_code", "month_index"]).execute())
    res.hsmr = FamilyResult(models, oe, (res.as_of - FIT_MONTHS + 1, res.as_of), len(agg))


def run_coding(runner: Runner, inputs: EngineInputs, res: EngineResult) -> None:
    cohort_t = cohort.shmi_cohort(inputs.admissions, perinatal_groups=inputs.perinatal_groups,
                                  specialist_orgs=inputs.specialist_orgs)
    rows = cohort_t.filter(cohort_t.month_index <= res.as_of)
    res.coding = runner.stage("coding: palliative and comorbidity", lambda: coding.coding_by_month(rows).execute())


def run_readmissions(runner: Runner, inputs: EngineInputs, res: EngineResult) -> None:
    """Emergency readmissions within 30 days, case-mix adjusted per diagnosis group of the index spell."""
    cutoff = cohort.month_end_epoch_day(res.as_of)
    spells = readmissions.readmission_spells(inputs.admissions,
                                             excluded_groups=inputs.readmission_excluded_groups,
                                             cutoff_epoch_day=cutoff)
    rows = cohort.window(spells, res.as_of, FIT_MONTHS)
    spec = PatternSpec(READMISSION_FACTORS + (year_index_factor(years_in(res.first_month, res.as_of,
                                                                         FIT_MONTHS)),), inputs.n_groups)
    rows = rows.mutate(died=rows.readmitted)  # the outcome column the shared helpers read
    models, agg, keyed = fit_family(runner, "readmissions", rows, spec)
    with_p = expected.join_probabilities(keyed, probabilities_table(models, agg["pattern"].to_numpy()))
    oe = runner.stage("readmissions: expected", lambda: expected.observed_expected(
        with_p, ["org_code", "month_index"]).execute())
    res.readmission = FamilyResult(models, oe, (res.as_of - FIT_MONTHS + 1, res.as_of), len(agg))
    res.los = runner.stage("length of stay", lambda: readmissions.los_by_month(rows).execute())


def run_breast(runner: Runner, inputs: EngineInputs, res: EngineResult) -> None:
    """Adjusted complication and return-to-theatre ratios per trust, with and without IBR, and IBR rates.

    The last three months are left out: their three-month outcomes are not yet known.
    """
    if inputs.breast is None:
        return
    last = res.as_of - 3
    procs = br.breast_procedures(inputs.breast)
    rows = procs.filter((procs.month_index <= last) & (procs.month_index > last - FIT_MONTHS))
    rows = rows.mutate(months_before=(last - rows.month_index).cast("int64"))
    lo = runner.stage("breast: months", lambda: rows.aggregate(lo=rows.month_index.min()).execute())
    if lo.empty or pd.isna(lo["lo"].iloc[0]):
        return
    spec = PatternSpec(br.BREAST_FACTORS + (year_index_factor(years_in(int(lo["lo"].iloc[0]), last,
                                                                       FIT_MONTHS)),), 1)
    for outcome, column in (("complication", "complication"), ("return_to_theatre", "return_to_theatre")):
        r = rows.mutate(died=rows[column])
        models, agg, keyed = fit_family(runner, f"breast {outcome}", r, spec, group=None)
        with_p = expected.join_probabilities(keyed, probabilities_table(models, agg["pattern"].to_numpy()))
        oe = runner.stage(f"breast {outcome}: expected", lambda: expected.observed_expected(
            with_p, ["org_code", "ibr", "month_index"]).execute())
        res.breast[outcome] = FamilyResult(models, oe, (last - FIT_MONTHS + 1, last), len(agg))
    res.ibr = runner.stage("breast: reconstruction rate", lambda: br.ibr_by_month(rows).execute())


def cusum_windows(first_month: int, as_of: int) -> tuple[tuple[int, int], tuple[int, int]] | None:
    """(baseline, monitored) month windows for an as-of month, or None without enough history."""
    monitor_first = max(as_of - MONITOR_MONTHS + 1, first_month + MIN_BASELINE_MONTHS)
    if monitor_first > as_of:
        return None
    base_first = max(first_month, monitor_first - BASELINE_MONTHS)
    return (base_first, monitor_first - 1), (monitor_first, as_of)


def run_cusum_input(runner: Runner, inputs: EngineInputs, res: EngineResult) -> None:
    """Risks for the monitored months from a model fitted on the months before them; matured spells in
    discharge order per trust and diagnosis group."""
    windows = cusum_windows(res.first_month, res.as_of)
    if windows is None:
        return
    (b0, b1), (m0, m1) = windows
    shmi_spec, rows = shmi_spells(runner, inputs, res)
    # the same spells without the year index: the CUSUM model's key is the SHMI key's leading digits
    n_years = shmi_spec.factors[-1].n_levels
    spec = PatternSpec(SHMI_FACTORS, inputs.n_groups)
    rows = rows.mutate(pattern=(rows.pattern // n_years).cast("int64"))
    baseline = rows.filter((rows.month_index >= b0) & (rows.month_index <= b1))
    agg = runner.stage("CUSUM baseline: aggregate patterns",
                       lambda: expected.aggregate_patterns(baseline).execute())
    n_models = int(np.unique(spec.decode(agg["pattern"].to_numpy())[0]).size) if len(agg) else 0
    models = runner.stage(f"CUSUM baseline: fit {n_models} models",
                          lambda: fit_models(agg, spec, progress=runner.ticker("CUSUM baseline: fit", n_models)),
                          rows=lambda m: len(m.models))
    monitored = rows.filter((rows.month_index >= m0) & (rows.month_index <= m1))
    keys = runner.stage("CUSUM: monitored patterns",
                        lambda: expected.distinct_patterns(monitored).execute()["pattern"].to_numpy())
    with_p = expected.join_probabilities(monitored, probabilities_table(models, keys))
    table = runner.stage("CUSUM: spells in discharge order", lambda: cusum_spells(
        with_p, m0, m1, cohort.month_end_epoch_day(res.as_of)).to_pyarrow(), rows=lambda t: t.num_rows)
    res.cusum = CusumSeries.from_arrow(table)
    res.cusum_models = models
    res.cusum_window = (m0, m1)


ALL_STAGES = ("shmi", "hsmr", "coding", "readmissions", "breast", "cusum")
_RUNNERS = {"shmi": run_shmi, "hsmr": run_hsmr, "coding": run_coding, "readmissions": run_readmissions,
            "breast": run_breast, "cusum": run_cusum_input}


def run_engine(inputs: EngineInputs, as_of: int | None = None, *, stages=ALL_STAGES,
               progress: Callable | None = None) -> EngineResult:
    """Run the chosen stages for the as-of month (default: the last discharge month in the data)."""
    first, last = data_months(inputs.admissions)
    if as_of is None:
        as_of = last
    if as_of < first:
        raise InputError(f"as-of month {cohort.format_month(as_of)} is before the first month in the data "
                         f"({cohort.format_month(first)})", file="admissions.parquet")
    runner = Runner(progress)
    res = EngineResult(as_of=as_of, first_month=first)
    try:
        for name in stages:
            _RUNNERS[name](runner, inputs, res)
    finally:
        # drop the cached tables now (left to the garbage collector, DuckDB may be gone by then)
        if "release" in runner.cache:
            runner.cache.pop("release")()
    res.timings = runner.timings
    return res

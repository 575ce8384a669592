"""The outcomes service: run the engine for an as-of month, band, chart and land it in the store.

``run_outcomes(data_dir, engine="duckdb", as_of="2026-03", database_url=...)`` reads the patient-level
sources, runs the case-mix pipelines (:mod:`caresignal.engine.run`) on DuckDB or Spark, calls the
statistics core for SHMI banding, funnels, SPC on coding and RA-CUSUM with false discovery rate
control (:mod:`caresignal.engine.signals`), and writes every result as observations of the registry's
outcome indicators (``params.engine = "outcomes"`` in ``indicators.toml``). Model diagnostics, bands and
CUSUM results are also written as Parquet beside the store (``<warehouse>/outcomes/<as-of>/``) because
they are per model or per series, not per organisation and period.

Running the same as-of month twice replaces that month's observations: nothing is duplicated.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd

from caresignal.domain.errors import OptionError
from caresignal.domain.records import Observation
from caresignal.engine import signals
from caresignal.engine.backends import connect, read_inputs
from caresignal.engine.cohort import format_month, parse_month
from caresignal.engine.run import ALL_STAGES, REPORT_MONTHS, EngineInputs, StageTiming, run_engine
from caresignal.engine.diagnostics import hosmer_lemeshow

SHMI_ID = "shmi_12m"
HSMR_ID = "hsmr_12m"
PALLIATIVE_ID = "shmi_palliative_coding"
DEPTH_ID = "shmi_comorbidity_depth"
READMISSION_ID = "readmission_ratio_12m"
BREAST_COMPLICATION_ID = "breast_complication_ratio_12m"
BREAST_RTT_ID = "breast_rtt_ratio_12m"
BREAST_IBR_ID = "breast_ibr_rate_12m"
OUTCOME_INDICATORS = (SHMI_ID, HSMR_ID, PALLIATIVE_ID, DEPTH_ID, READMISSION_ID, BREAST_COMPLICATION_ID,
                      BREAST_RTT_ID, BREAST_IBR_ID)
# Breast funnels: exact Poisson (ratios) / binomial (IBR) limits at 99.8%, as the national audits plot.
BREAST_LEVEL = 99.8


@dataclass
class OutcomesResult:
    """Everything one monthly step produced (frames keyed by trust), with its timings."""

    as_of: str
    engine: str
    shmi: pd.DataFrame | None = None
    hsmr: pd.DataFrame | None = None
    readmission: pd.DataFrame | None = None
    breast: pd.DataFrame | None = None
    coding: pd.DataFrame | None = None
    coding_flags: pd.DataFrame | None = None
    cusum: pd.DataFrame | None = None
    diagnostics: pd.DataFrame | None = None
    calibration: pd.DataFrame | None = None
    funnels: dict = field(default_factory=dict)
    observations: list[Observation] = field(default_factory=list)
    timings: list[StageTiming] = field(default_factory=list)
    written: int | None = None
    skipped_orgs: tuple[str, ...] = ()

    def summary(self) -> str:
        lines = [f"Outcomes for the 12 months to {self.as_of} ({self.engine})"]
        if self.shmi is not None:
            counts = self.shmi["band"].value_counts()
            f = self.funnels.get(SHMI_ID, {})
            lines.append(f"  SHMI-style ratio: {len(self.shmi)} trusts; higher {counts.get('higher', 0)}, "
                         f"as expected {counts.get('as_expected', 0)}, lower {counts.get('lower', 0)} "
                         f"(phi {f.get('phi', float('nan')):.2f}, tau2 {f.get('tau2', float('nan')):.4f}); "
                         f"national O/E {self.shmi['observed'].sum():.0f}/{self.shmi['expected'].sum():.1f}")
        if self.cusum is not None and len(self.cusum):
            lines.append(f"  RA-CUSUM: {len(self.cusum)} trust x group series, "
                         f"{int((self.cusum['signals'] > 0).sum())} crossed h, "
                         f"{int(self.cusum['flagged'].sum())} flagged after FDR")
        if self.coding_flags is not None:
            lines.append(f"  coding changes: palliative {int(self.coding_flags['palliative_flag'].sum())}, "
                         f"comorbidity depth {int(self.coding_flags['depth_flag'].sum())} trusts")
        if self.breast is not None and len(self.breast):
            lines.append(f"  breast: {int((self.breast['complication_band'] == 'higher').sum())} trusts higher "
                         f"on complications, {int((self.breast['rtt_band'] == 'higher').sum())} on return to "
                         f"theatre")
        if self.diagnostics is not None and len(self.diagnostics):
            d = self.diagnostics
            shmi = d[d["model"] == "shmi"]
            lines.append(f"  models: {len(d)} fitted; SHMI median c-statistic {shmi['c_statistic'].median():.3f}; "
                         f"separation handled in {int((d['handling'] != 'none').sum())}")
        if self.written is not None:
            lines.append(f"  {self.written} observations written to the store"
                         + (f" ({len(self.skipped_orgs)} trusts not in the store skipped)"
                            if self.skipped_orgs else ""))
        total = sum(t.seconds for t in self.timings)
        lines.append(f"  took {total:.1f} s")
        return "\n".join(lines)


def _month_start(index: int) -> dt.date:
    return dt.date(index // 12, index % 12 + 1, 1)


def _window(oe: pd.DataFrame, last: int, months: int, by=("org_code",)) -> pd.DataFrame:
    w = oe[(oe["month_index"] > last - months) & (oe["month_index"] <= last)]
    out = w.groupby(list(by), as_index=False)[["spells", "observed", "expected"]].sum()
    out["ratio"] = out["observed"] / out["expected"]
    return out


def _ratio_observations(frame: pd.DataFrame, indicator: str, period: int) -> list[Observation]:
    ps = _month_start(period)
    return [Observation(org_code=str(r.org_code), indicator_id=indicator, period=format_month(period),
                        period_start=ps, numerator=float(r.observed), denominator=float(r.spells),
                        expected=float(r.expected), value=float(r.observed / r.expected))
            for r in frame.itertuples() if r.expected > 0]


def _diagnostics(name: str, family, period: str) -> tuple[list[dict], list[pd.DataFrame]]:
    rows, cals = [], []
    for g, m in sorted(family.models.models.items()):
        rows.append({"model": name, "group": g, "period": period, "fit_first": format_month(family.fit_window[0]),
                     "fit_last": format_month(family.fit_window[1]), "n": m.n, "events": m.events,
                     "patterns": m.n_patterns, "parameters": len(m.coef), "effective_df": m.edf,
                     "smoothing": "; ".join(f"{k} {v:.3g}" for k, v in (m.smoothing or {}).items()),
                     "handling": m.handling,
                     "merged_levels": "; ".join(m.merges), "penalty": m.penalty, "converged": m.converged,
                     "c_statistic": m.c_statistic, "hosmer_lemeshow": hosmer_lemeshow(m.calibration)})
        cal = m.calibration.copy()
        cal.insert(0, "group", g)
        cal.insert(0, "model", name)
        cals.append(cal)
    return rows, cals


def _band_family(out: OutcomesResult, family, indicator_id: str, as_of: int,
                 stage: str | None = None) -> pd.DataFrame:
    """Band a model family's 12-month ratios per trust, record the funnel's phi and tau2 and add the
    ratio observations; ``stage`` times the banding as a named stage."""
    def band():
        return signals.band_ratios(_window(family.oe, as_of, REPORT_MONTHS))

    frame, funnel = _timed(out, stage, band) if stage else band()
    out.funnels[indicator_id] = {"phi": funnel.phi, "tau2": funnel.tau2}
    out.observations += _ratio_observations(frame, indicator_id, as_of)
    return frame


def _timed(result: OutcomesResult, name: str, func: Callable, rows: int = 0):
    start = time.perf_counter()
    out = func()
    result.timings.append(StageTiming(name, time.perf_counter() - start, rows))
    return out


def compute_outcomes(inputs: EngineInputs, as_of: str | None = None, *, engine: str = "duckdb",
                     stages=ALL_STAGES, progress: Callable | None = None, curve=None) -> OutcomesResult:
    """Run the engine and the statistics for one as-of month; nothing is written."""
    res = run_engine(inputs, parse_month(as_of) if as_of else None, stages=stages, progress=progress)
    a = res.as_of
    out = OutcomesResult(as_of=format_month(a), engine=engine, timings=list(res.timings))
    diag_rows, cal_frames = [], []

    def diagnose(name: str, family) -> None:
        rows, cals = _diagnostics(name, family, out.as_of)
        diag_rows.extend(rows)
        cal_frames.extend(cals)

    if res.shmi is not None:
        out.shmi = _band_family(out, res.shmi, SHMI_ID, a, stage="SHMI: banding")
        diagnose("shmi", res.shmi)
    if res.hsmr is not None:
        out.hsmr = _band_family(out, res.hsmr, HSMR_ID, a)
        diagnose("hsmr", res.hsmr)
    if res.readmission is not None:
        readm = _band_family(out, res.readmission, READMISSION_ID, a)
        los = res.los[(res.los["month_index"] > a - REPORT_MONTHS)].groupby("org_code", as_index=False)[
            ["bed_days"]].sum()
        readm = readm.merge(los, on="org_code", how="left")
        readm["mean_los"] = readm["bed_days"] / readm["spells"]
        out.readmission = readm
        diagnose("readmission", res.readmission)
    if res.coding is not None:
        out.coding = res.coding
        out.coding_flags = _timed(out, "coding: SPC", lambda: signals.coding_flags(res.coding, a))
        for rr in res.coding.itertuples():
            ps, period = _month_start(rr.month_index), format_month(rr.month_index)
            out.observations.append(Observation(str(rr.org_code), PALLIATIVE_ID, period, ps, float(rr.palliative),
                                                float(rr.spells), None, rr.palliative / rr.spells))
            out.observations.append(Observation(str(rr.org_code), DEPTH_ID, period, ps,
                                                float(rr.secondary_diagnoses), float(rr.spells), None,
                                                rr.secondary_diagnoses / rr.spells))
    if res.breast:
        out.breast = _breast(out, res, a)
        for name, fam in res.breast.items():
            diagnose(f"breast_{name}", fam)
    if res.cusum is not None:
        out.cusum = _timed(out, "CUSUM: thresholds, charts, FDR",
                           lambda: signals.run_cusums(res.cusum, curve=curve), rows=int(res.cusum.lengths.sum()))
    out.diagnostics = pd.DataFrame(diag_rows)
    out.calibration = pd.concat(cal_frames, ignore_index=True) if cal_frames else pd.DataFrame()
    return out


def _breast(out: OutcomesResult, res, a: int) -> pd.DataFrame:
    """Per trust: adjusted complication and return-to-theatre ratios (banded) and the IBR rate."""
    last = a - 3
    merged = None
    for name, short, ind in (("complication", "complication", BREAST_COMPLICATION_ID),
                             ("return_to_theatre", "rtt", BREAST_RTT_ID)):
        fam = res.breast[name]
        tot = _window(fam.oe, last, REPORT_MONTHS)
        banded, fr = signals.band_ratios(tot, method="exact", level=BREAST_LEVEL)
        out.funnels[ind] = {"target": fr.target}
        out.observations += _ratio_observations(banded, ind, last)
        by_ibr = _window(fam.oe, last, REPORT_MONTHS, by=("org_code", "ibr"))
        ibr_ratio = by_ibr.pivot(index="org_code", columns="ibr", values="ratio")
        part = banded.rename(columns={"spells": "procedures", "observed": f"{short}_observed",
                                      "expected": f"{short}_expected", "ratio": f"{short}_ratio",
                                      "band": f"{short}_band", "lower": f"{short}_lower",
                                      "upper": f"{short}_upper", "z": f"{short}_z",
                                      "p_value": f"{short}_p_value"})
        part[f"{short}_ratio_no_ibr"] = part["org_code"].map(ibr_ratio.get(0, pd.Series(dtype=float)))
        part[f"{short}_ratio_ibr"] = part["org_code"].map(ibr_ratio.get(1, pd.Series(dtype=float)))
        # the audit reports mastectomy with immediate reconstruction separately: band that stratum too
        with_ibr = by_ibr[(by_ibr["ibr"] == 1) & (by_ibr["expected"] > 0)]
        if len(with_ibr):
            b_ibr, _ = signals.band_ratios(with_ibr, method="exact", level=BREAST_LEVEL)
            part[f"{short}_ibr_band"] = part["org_code"].map(b_ibr.set_index("org_code")["band"])
        merged = part if merged is None else merged.merge(part.drop(columns=["procedures"]), on="org_code")
    ibr = res.ibr[(res.ibr["month_index"] > last - REPORT_MONTHS) & (res.ibr["month_index"] <= last)]
    ibr = ibr.groupby("org_code", as_index=False)[["procedures", "ibr"]].sum()
    ibr_b, fr = signals.band_proportions(ibr, "ibr", "procedures", level=BREAST_LEVEL)
    out.funnels[BREAST_IBR_ID] = {"target": fr.target}
    ps = _month_start(last)
    out.observations += [Observation(str(r.org_code), BREAST_IBR_ID, format_month(last), ps, float(r.ibr),
                                     float(r.procedures), None, r.ibr / r.procedures)
                         for r in ibr_b.itertuples() if r.procedures > 0]
    ibr_b = ibr_b.rename(columns={"band": "ibr_band", "lower": "ibr_lower", "upper": "ibr_upper",
                                  "z": "ibr_z", "p_value": "ibr_p_value", "procedures": "ibr_procedures"})
    ibr_b["ibr_rate"] = ibr_b["ibr"] / ibr_b["ibr_procedures"]
    return merged.merge(ibr_b, on="org_code", how="outer")


def land(result: OutcomesResult, store) -> OutcomesResult:
    """Write the observations (replacing the same indicators and periods) and the Parquet artefacts."""
    known = {o.org_code for o in store.organisations()}
    obs = [o for o in result.observations if o.org_code in known]
    result.skipped_orgs = tuple(sorted({o.org_code for o in result.observations} - known))
    periods = sorted({o.period for o in obs})
    result.written = store.write_engine_observations(OUTCOME_INDICATORS, periods, obs) if obs else 0
    folder = Path(store.warehouse) / "outcomes" / result.as_of
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("shmi", "hsmr", "readmission", "breast", "coding_flags", "cusum", "diagnostics", "calibration"):
        frame = getattr(result, name)
        if frame is not None and len(frame):
            frame.to_parquet(folder / f"{name}.parquet", index=False)
    return result


def run_outcomes(data_dir: str | Path, *, engine: str = "duckdb", as_of: str | None = None,
                 database_url: str | None = None, progress: Callable | None = None, spark=None,
                 stages=ALL_STAGES) -> OutcomesResult:
    """Read the sources in ``data_dir``, compute, and (with ``database_url``) land the results."""
    if as_of is not None:
        try:
            parse_month(as_of)
            dt.date(int(as_of[:4]), int(as_of[5:7]), 1)
            if len(as_of) != 7 or as_of[4] != "-":
                raise ValueError
        except ValueError:
            raise OptionError(f"--as-of must be a month YYYY-MM; got {as_of!r}") from None
    con = connect(engine, spark=spark)
    inputs = read_inputs(con, Path(data_dir))
    result = compute_outcomes(inputs, as_of, engine=engine, stages=stages, progress=progress)
    if database_url is not None:
        from caresignal.store.repository import Store

        with Store(database_url) as store:
            store.migrate()
            land(result, store)
    return result


def national_totals(result: OutcomesResult) -> dict:
    """National observed and expected of each ratio (O = E by construction for the SHMI-style ratio)."""
    out = {}
    for name in ("shmi", "hsmr", "readmission"):
        f = getattr(result, name)
        if f is not None:
            out[name] = (float(f["observed"].sum()), float(np.asarray(f["expected"]).sum()))
    return out

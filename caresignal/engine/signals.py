"""From engine frames to signals, through the statistics core: funnel bands, coding SPC, RA-CUSUM + FDR.

Nothing here re-implements a method: banding is :func:`caresignal.stats.banding.shmi_banding` and
:class:`caresignal.stats.funnel.FunnelPlot`, charts are :class:`caresignal.stats.spc.SPCChart`, the CUSUM
thresholds, paths and p-values come from :mod:`caresignal.stats.cusum` and the false discovery rate from
:mod:`caresignal.stats.fdr`. This module shapes the engine's per-trust frames into their inputs and
their results back into frames.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from caresignal.domain.errors import CareSignalWarning
from caresignal.stats.banding import shmi_banding
from caresignal.stats.funnel import FunnelPlot
from caresignal.stats.spc import SPCChart

# SPC on coding: limits from the first 12 months (a year's baseline, Making Data Count's advice to fix
# limits once 12 or more points are available) when the series is at least this long.
CODING_FIX_AFTER = 12
CODING_MIN_POINTS = 18
# A coding change is flagged when a point in the last 12 months is above the upper process limit or in
# a shift (a run on the high side of the centre line): the two rules that mark a sustained change of
# level. Trends and two-in-three alone fire too often by chance over ~150 trusts x 2 charts to be useful.
CODING_RECENT_MONTHS = 12
CODING_RULES = ("outside_limits", "shift")


def band_ratios(frame: pd.DataFrame, *, method: str = "shmi", level: float = 95,
                unit: str = "org_code") -> tuple[pd.DataFrame, object]:
    """Band each row's ``observed``/``expected`` ratio; adds ``band``, ``lower``, ``upper``, ``z``,
    ``p_value``. ``method='shmi'`` is the official SHMI banding (overdispersed, 95%)."""
    f = frame[frame["expected"] > 0].copy()
    units = f[unit].astype(str).tolist()
    if method == "shmi":
        result = shmi_banding(f["observed"].to_numpy(float), f["expected"].to_numpy(float), units=units,
                              level=level)
    else:
        result = FunnelPlot(method=method, data_type="ratio", level=level).fit(
            f["observed"].to_numpy(float), f["expected"].to_numpy(float), units=units).result_
    return _attach(frame, unit, result), result


def band_proportions(frame: pd.DataFrame, numerator: str, denominator: str, *, method: str = "exact",
                     level: float = 99.8, unit: str = "org_code") -> tuple[pd.DataFrame, object]:
    """Band each row's proportion ``numerator / denominator`` against the overall proportion."""
    f = frame[frame[denominator] > 0]
    result = FunnelPlot(method=method, data_type="proportion", level=level).fit(
        f[numerator].to_numpy(float), denominator=f[denominator].to_numpy(float),
        units=f[unit].astype(str).tolist()).result_
    return _attach(frame, unit, result), result


def _attach(frame: pd.DataFrame, unit: str, result) -> pd.DataFrame:
    res = pd.DataFrame({unit: list(result.units), "band": list(result.band), "lower": result.lower,
                        "upper": result.upper, "z": result.z, "p_value": result.p_value})
    out = frame.copy()
    out[unit] = out[unit].astype(str)
    return out.merge(res, on=unit, how="left")


def coding_flags(coding: pd.DataFrame, last_month: int) -> pd.DataFrame:
    """Per trust, SPC on monthly palliative coding (P chart) and comorbidity depth (I chart of the mean
    number of secondary diagnoses), limits fixed after the first 12 months; a flag when a rule fires
    upwards in the last 12 months, with the first such month."""
    rows = []
    recent = last_month - CODING_RECENT_MONTHS + 1
    for org, g in coding.sort_values("month_index").groupby("org_code", sort=True):
        g = g[g["spells"] > 0]
        months = g["month_index"].to_numpy()
        fix = CODING_FIX_AFTER if len(g) >= CODING_MIN_POINTS else None
        out = {"org_code": org, "months": len(g)}
        for name, chart, values, den in (
                ("palliative", "p", g["palliative"].to_numpy(float), g["spells"].to_numpy(float)),
                ("depth", "i", (g["secondary_diagnoses"] / g["spells"]).to_numpy(float), None)):
            flag, first = False, None
            if len(g) >= 2:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", CareSignalWarning)
                    res = SPCChart(chart, "neutral", fix_after=fix).fit(values, den)
                up = (np.asarray(res.direction) > 0) & np.isin(np.array(res.rule, dtype=object), CODING_RULES)
                hits = np.flatnonzero(up & (months >= recent))
                if hits.size:
                    flag, first = True, int(months[hits[0]])
            out[f"{name}_flag"] = flag
            out[f"{name}_first_month"] = first
        rows.append(out)
    return pd.DataFrame(rows, columns=["org_code", "months", "palliative_flag", "palliative_first_month",
                                       "depth_flag", "depth_first_month"])


# Imperial College mortality alerts: odds ratio 2, reset by halving after a signal (Bottle & Aylin 2008);
# thresholds for a 5% false-alarm probability per series over the monitored 12 months (Bottle & Aylin
# 2011), then the Benjamini-Hochberg false discovery rate at 5% over every series in the country
# (Marshall et al. 2004).
CUSUM_ODDS_RATIO = 2.0
CUSUM_RESET = "halve"
CUSUM_FALSE_ALARM = 0.05
CUSUM_FDR = 0.05


def run_cusums(series, *, odds_ratio: float = CUSUM_ODDS_RATIO, false_alarm: float = CUSUM_FALSE_ALARM,
               fdr: float = CUSUM_FDR, curve=None) -> pd.DataFrame:
    """Patient-level Bernoulli RA-CUSUM for every trust x diagnosis group series, with FDR control.

    Parameters
    ----------
    series : :class:`caresignal.engine.cusum_input.CusumSeries` (matured spells in discharge order).
    curve : a fitted ``caresignal.stats.cusum.ThresholdCurve`` (the cached false-alarm surface);
        fitted (or read from the cache) when not given.

    Returns
    -------
    One row per series: spells, observed and expected deaths, threshold ``h`` (false-alarm probability
    ``false_alarm`` over the series' own volume and risk mix), the largest value of the chart, the first
    row and month where S reached h, the number of signals, the p-value P0(max S >= observed max), the
    BH-adjusted p-value and ``flagged`` (a discovery at FDR ``fdr``).
    """
    from caresignal.stats.cusum import ThresholdCurve, bernoulli_weights, cusum_batch, mix_summaries
    from caresignal.stats.fdr import benjamini_hochberg

    cols = ["org_code", "group", "spells", "observed", "expected", "threshold", "max_s", "signals",
            "first_signal_month", "p_value", "q_value", "flagged"]
    if series.n_series == 0:
        return pd.DataFrame(columns=cols)
    curve = curve if curve is not None else ThresholdCurve(odds_ratio).fit()
    lengths = series.lengths
    _, sum_p, q = mix_summaries(series.risk, lengths, odds_ratio)
    h = curve.thresholds(sum_p, q, false_alarm)
    weights = bernoulli_weights(series.died.astype(float), series.risk, odds_ratio)
    values, signal = cusum_batch(weights, lengths, h, reset=CUSUM_RESET)
    starts = series.starts
    max_s = np.maximum.reduceat(values, starts)
    n_signals = np.add.reduceat(signal.astype(np.int64), starts)
    # first signal row of each series: the smallest row index with a signal, per series
    series_of_row = np.repeat(np.arange(series.n_series), lengths)
    first = np.full(series.n_series, -1, dtype=np.int64)
    rows = np.flatnonzero(signal)
    if rows.size:
        s_of = series_of_row[rows]
        keep = np.concatenate([[True], s_of[1:] != s_of[:-1]])
        first[s_of[keep]] = rows[keep]
    first_month = np.where(first >= 0, series.month_index[np.maximum(first, 0)], -1)
    p_values = curve.p_values(max_s, sum_p, q)
    bh = benjamini_hochberg(p_values, fdr)
    return pd.DataFrame({
        "org_code": series.org_code, "group": series.group, "spells": lengths,
        "observed": np.add.reduceat(series.died.astype(float), starts), "expected": sum_p, "threshold": h,
        "max_s": max_s, "signals": n_signals,
        "first_signal_month": pd.array(np.where(first >= 0, first_month, -1), dtype="Int64").astype("Int64"),
        "p_value": p_values, "q_value": bh.adjusted, "flagged": bh.rejected,
    }).replace({"first_signal_month": {-1: pd.NA}})

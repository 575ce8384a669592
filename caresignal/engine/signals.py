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
# A coding change is flagged when a point in the last 12 months is above the upper process limit (3
# sigma). Shifts, trends and two-in-three were tried on a synthetic England (46 trusts, 36 months): with
# them 13-20% of trusts without a planted change were flagged; with the limit alone 9-11%, and the
# planted palliative (x2.5) and Charlson (+1) coding changes were still found.
CODING_RECENT_MONTHS = 12
CODING_RULES = ("outside_limits",)


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
    """Per trust, SPC on monthly palliative coding and comorbidity depth relative to England.

    Each month's value is the trust's figure over the national one of that month (palliative coding
    rate / national rate; mean secondary diagnoses / national mean), so that a national drift in coding
    (which moves every trust) is not read as a change at one trust. Both go on an I chart (XmR) with
    limits fixed after the first 12 months; a flag when a point in the last 12 months is above the upper
    process limit, with the first such month.
    """
    nat = coding.groupby("month_index")[["spells", "palliative", "secondary_diagnoses"]].sum()
    nat_pall = nat["palliative"] / nat["spells"]
    nat_depth = nat["secondary_diagnoses"] / nat["spells"]
    rows = []
    recent = last_month - CODING_RECENT_MONTHS + 1
    for org, g in coding.sort_values("month_index").groupby("org_code", sort=True):
        g = g[g["spells"] > 0]
        months = g["month_index"].to_numpy()
        fix = CODING_FIX_AFTER if len(g) >= CODING_MIN_POINTS else None
        out = {"org_code": org, "months": len(g)}
        rel_pall = (g["palliative"] / g["spells"]).to_numpy(float) / nat_pall.loc[months].to_numpy(float)
        rel_depth = (g["secondary_diagnoses"] / g["spells"]).to_numpy(float) / nat_depth.loc[months].to_numpy(float)
        for name, values in (("palliative", rel_pall), ("depth", rel_depth)):
            flag, first = False, None
            values = np.nan_to_num(values, nan=0.0, posinf=0.0)
            if len(g) >= 2:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", CareSignalWarning)
                    res = SPCChart("i", "neutral", fix_after=fix).fit(values)
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
# A series with under one expected death in the monitored year is not tested: a single death crosses any
# threshold with a 5% false-alarm probability there, so the chart says nothing about care [A].
CUSUM_MIN_EXPECTED = 1.0
# A series whose chart maximum (no reset) stays below h_curve / CUSUM_NEAR_FACTOR cannot signal with the
# exact threshold either: the surface's threshold was measured at most 1.6% above the exact one (the
# batched re-solve) over all 6,987 short monitored series of the national benchmark year, where it
# can be far below it (up to 38%), and within 1.5% either way for longer series
# (bench/cusum_thresholds.py). So only series at or above h_curve / 1.1 are re-solved on their own mix
# (tests/engine/test_cusum_signals.py checks the bound against the re-solve).
CUSUM_NEAR_FACTOR = 1.1
# Processes for the re-solve and the exact p-values (the engine's other stages are done by then).
CUSUM_JOBS = 2


def run_cusums(series, *, odds_ratio: float = CUSUM_ODDS_RATIO, false_alarm: float = CUSUM_FALSE_ALARM,
               fdr: float = CUSUM_FDR, min_expected: float = CUSUM_MIN_EXPECTED, curve=None,
               n_jobs: int = CUSUM_JOBS) -> pd.DataFrame:
    """Patient-level Bernoulli RA-CUSUM for every trust x diagnosis group series, with FDR control.

    Thresholds and p-values have the statistics core's accuracy (2% of the exact threshold) wherever
    the decision can depend on it, and come from the cached surface elsewhere:

    1. ``h_curve``: the cached false-alarm surface at each series' expected deaths and effective risk.
    2. Series whose chart maximum reaches ``h_curve / CUSUM_NEAR_FACTOR`` and that the surface serves
       least well (short or under one expected death: ``surveillance_thresholds``' selection) get ``h``
       re-solved on their own risks (batched Markov chain). Any other series cannot signal with the
       exact ``h`` either (see ``CUSUM_NEAR_FACTOR``), so its chart is the same with either threshold.
    3. The chart runs with halving at the final ``h``.
    4. p-values ``P0(max S >= m)`` (Marshall et al. 2004): from the Markov chain on the series' own
       risks (``p_method`` "exact", or "bound", the rigorous Ville bound ``n exp(-m)`` below 1e-10) for
       series whose maximum reaches ``min(h_curve, h)`` and that the surface does not serve for
       p-values (short, under 10 expected deaths or effective risk above 0.1:
       ``p_value_selection``); from the surface otherwise ("curve"). A "curve" p-value is either
       within the surface's measured accuracy (3%) or belongs to a chart that stayed below both
       thresholds, whose exact and surface p-values both exceed ``false_alarm`` (>= ``fdr``), so BH
       cannot flag it either way.

    Parameters
    ----------
    series : :class:`caresignal.engine.cusum_input.CusumSeries` (matured spells in discharge order).
    curve : a fitted ``caresignal.stats.cusum.ThresholdCurve`` (the cached false-alarm surface);
        fitted (or read from the cache) when not given.
    n_jobs : int
        Processes for the re-solve and exact p-values.

    Returns
    -------
    One row per series: spells, observed and expected deaths, threshold ``h`` (false-alarm probability
    ``false_alarm`` over the series' own volume and risk mix) and ``h_method`` ("curve" or "exact"),
    the chart's largest value (with halving), the number of signals (S reached h) and the month of the
    first, the p-value P0(max S >= observed) of the chart's maximum without reset and ``p_method``, the
    BH-adjusted p-value over the monitored series and ``flagged`` (a discovery at FDR ``fdr``). Series
    under ``min_expected`` deaths are charted but not tested (``monitored`` False, no p-value).
    """
    from caresignal.stats.cusum import (ThresholdCurve, bernoulli_weights, cusum_batch, mix_summaries,
                                        p_value_selection, refine_selection, series_maxima,
                                        surveillance_thresholds)
    from caresignal.stats.cusum._pvalue import ville_reported
    from caresignal.stats.fdr import benjamini_hochberg

    cols = ["org_code", "group", "spells", "observed", "expected", "monitored", "threshold", "h_method",
            "max_s", "signals", "first_signal_month", "p_value", "q_value", "flagged", "p_method"]
    if series.n_series == 0:
        return pd.DataFrame(columns=cols)
    curve = curve if curve is not None else ThresholdCurve(odds_ratio).fit()
    lengths, starts = series.lengths, series.starts
    died = series.died.astype(float)
    _, sum_p, q = mix_summaries(series.risk, lengths, odds_ratio)
    monitored = sum_p >= min_expected
    weights = bernoulli_weights(died, series.risk, odds_ratio)
    peak = series_maxima(weights, lengths)
    h_curve = np.full(series.n_series, np.inf)
    h_curve[monitored] = curve.thresholds(sum_p[monitored], q[monitored], false_alarm)
    near = monitored & (peak >= h_curve / CUSUM_NEAR_FACTOR)
    h = np.where(monitored, h_curve, np.inf)
    if near.any():
        h = np.where(monitored, surveillance_thresholds(series.risk, lengths, false_alarm=false_alarm,
                                                        odds_ratio=odds_ratio, curve=curve,
                                                        select=near, n_jobs=n_jobs), np.inf)
    resolved = near & refine_selection(series.risk, lengths)
    h_method = np.where(resolved, "exact", np.where(monitored, "curve", "none")).astype(object)
    values, signal = cusum_batch(weights, lengths, h, reset=CUSUM_RESET)
    max_s = np.maximum.reduceat(values, starts)
    n_signals = np.add.reduceat(signal.astype(np.int64), starts)
    first = np.full(series.n_series, -1, dtype=np.int64)
    rows = np.flatnonzero(signal)
    if rows.size:
        s_of = np.repeat(np.arange(series.n_series), lengths)[rows]
        keep = np.concatenate([[True], s_of[1:] != s_of[:-1]])
        first[s_of[keep]] = rows[keep]
    p_values = np.full(series.n_series, np.nan)
    method = np.array(["none"] * series.n_series, dtype=object)
    own = monitored & (peak >= np.minimum(h_curve, h)) & p_value_selection(lengths, sum_p, q)
    p_values[monitored] = curve.p_values(peak, sum_p, q, risk=series.risk, lengths=lengths,
                                         exact=own, n_jobs=n_jobs)[monitored]
    method[monitored] = "curve"
    method[own] = np.where(ville_reported(peak[own], lengths[own]), "bound", "exact")
    bh = benjamini_hochberg(p_values, fdr)
    first_month = pd.array(np.where(first >= 0, series.month_index[np.maximum(first, 0)], 0), dtype="Int64")
    first_month[(first < 0) | ~monitored] = pd.NA
    return pd.DataFrame({
        "org_code": series.org_code, "group": series.group, "spells": lengths,
        "observed": np.add.reduceat(died, starts), "expected": sum_p, "monitored": monitored,
        "threshold": np.where(monitored, h, np.nan), "h_method": h_method, "max_s": max_s,
        "signals": np.where(monitored, n_signals, 0), "first_signal_month": first_month,
        "p_value": p_values, "q_value": bh.adjusted, "flagged": bh.rejected, "p_method": method,
    })

"""The SPC chart: parameters in the constructor, ``fit`` returns a frozen :class:`SPCResult`.

One call runs the whole pipeline on one series (NHSRplotthedots ``ptd_spc`` in small steps):
periods from rebasing, the base points of each period (first N points, minus excluded ones), limits,
rules and their precedence, point types, icons, trial-limit warnings and, optionally, Anhøj runs.

>>> from caresignal.stats.spc import SPCChart
>>> r = SPCChart("i", "decrease").fit([1, 2, 1, 2, 10, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1])
>>> print(round(r.cl[0], 2), round(r.lpl[0], 2), round(r.upl[0], 2))
1.94 -0.72 4.6
>>> r.rule[4], r.point_type[4], r.variation
('outside_limits', 'special_cause_concern', 'common_cause')
"""

from __future__ import annotations

import warnings
from typing import Any, Sequence

import numpy as np

from caresignal.domain.errors import OptionError, TooFewPointsWarning
from caresignal.stats.spc import limits_attributes as la
from caresignal.stats.spc import limits_variables as lv
from caresignal.stats.spc._limits_common import Limits
from caresignal.stats.spc._validate import check_data, check_params
from caresignal.stats.spc._xaxis import key_of, label, order_keys
from caresignal.stats.spc.constants import (
    DEFAULT_SHIFT_N,
    DEFAULT_SIGMA_MULTIPLIER,
    DEFAULT_TREND_N,
    TRIAL_LIMIT_MIN_POINTS,
)
from caresignal.stats.spc.icons import assurance_icon, point_types, variation_icon
from caresignal.stats.spc.precedence import mark_all_rules, resolve_precedence
from caresignal.stats.spc.result import Period, SPCResult
from caresignal.stats.spc.runs import runs_analysis


class SPCChart:
    """A statistical process control chart as Making Data Count defines it.

    Parameters
    ----------
    chart : {"i", "mr", "p", "pp", "u", "up", "c", "g", "t", "xbar", "s"}
        I (XmR individuals) and its moving-range chart; P and Laney P' (proportions); U and Laney U'
        (rates); C (counts); G (opportunities between events); T (time between events); Xbar and S
        (subgroup means and standard deviations).
    improvement : {"increase", "decrease", "neutral"}
        Which direction is better; decides improvement/concern and the assurance icon.
    target : float, optional
        Target in the plotted units (fractions for P and U charts unless ``scale`` says otherwise).
    screen : bool, default True
        Drop moving ranges >= 3.267 x AMR before estimating sigma (Nelson 1982), as NHSRplotthedots,
        PowerBI-SPC and qicharts2 do. ``False`` reproduces the Making Data Count Excel tool.
        Used by I, T, P' and U'.
    two_in_three : {"mdc2023", "legacy"}, default "mdc2023"
        ``"mdc2023"``: points beyond 3 sigma count towards two-in-three (MDC's 2023 revision);
        ``"legacy"``: only points between 2 and 3 sigma (NHSRplotthedots 0.2.2).
    shift_n, trend_n : int, default 7
        Run lengths of the shift and trend rules.
    fix_after : int, optional
        Compute each period's limits from its first N points only and extend them.
    rebase : sequence, optional
        x values at which a new period starts (the first point with x on or after the value when x
        are dates or numbers); each period has its own limits and rules.
    exclude : sequence of int, optional
        1-based point numbers left out of the limits and the rules (still plotted, never flagged).
    multiplier : float, default 3
        Sigma multiplier of the process limits; the inner limits are at two thirds of it.
    scale : float, default 1
        Multiply values, centre line and limits (100 for percent, 10000 for a rate per 10,000), as
        PowerBI-SPC's ``multiplier`` and qicharts2's ``multiply`` settings.
    xmr_factor : {"mdc", "d2"}, default "mdc"
        I chart: 3 sigma = 2.66 x AMR (Making Data Count, NHSRplotthedots) or AMR x 3 / 1.128
        (PowerBI-SPC, qicharts2). T, P' and U' always use 1.128, as every reference does.
    g_centre : {"mean", "median"}, default "mean"
        G chart centre line; limits always come from the mean (PowerBI-SPC).
    subgroup_sigma : {"pooled", "sbar"}, default "pooled"
        Xbar and S charts: pooled s (PowerBI-SPC) or the mean s when subgroup sizes are equal
        (Montgomery eq. 6.29, qicharts2).
    runs_analysis : bool, default False
        Add Anhøj's runs analysis (longest run, crossings) for each period.
    """

    def __init__(self, chart: str = "i", improvement: str = "increase", *, target: float | None = None,
                 screen: bool = True, two_in_three: str = "mdc2023", shift_n: int = DEFAULT_SHIFT_N,
                 trend_n: int = DEFAULT_TREND_N, fix_after: int | None = None, rebase: Sequence = (),
                 exclude: Sequence[int] = (), multiplier: float = DEFAULT_SIGMA_MULTIPLIER,
                 scale: float = 1.0, xmr_factor: str = "mdc", g_centre: str = "mean",
                 subgroup_sigma: str = "pooled", runs_analysis: bool = False):
        self.chart = chart
        self.improvement = improvement
        self.target = target
        self.screen = screen
        self.two_in_three = two_in_three
        self.shift_n = shift_n
        self.trend_n = trend_n
        self.fix_after = fix_after
        self.rebase = rebase
        self.exclude = exclude
        self.multiplier = multiplier
        self.scale = scale
        self.xmr_factor = xmr_factor
        self.g_centre = g_centre
        self.subgroup_sigma = subgroup_sigma
        self.runs_analysis = runs_analysis

    _PARAMS = ("chart", "improvement", "target", "screen", "two_in_three", "shift_n", "trend_n",
               "fix_after", "rebase", "exclude", "multiplier", "scale", "xmr_factor", "g_centre",
               "subgroup_sigma", "runs_analysis")

    def get_params(self) -> dict:
        """The constructor parameters, unchanged (``SPCChart(**c.get_params())`` rebuilds ``c``)."""
        return {name: getattr(self, name) for name in self._PARAMS}

    def __repr__(self) -> str:
        return f"SPCChart({self.chart!r}, {self.improvement!r})"

    # ------------------------------------------------------------------ fitting
    def fit(self, values, denominators=None, *, x: Sequence[Any] | None = None, sds=None,
            sizes=None) -> SPCResult:
        """Compute the chart for one series in time order.

        ``values`` are the measurements (I, T, G, C), numerators (P, P', U, U'; the I and MR charts
        plot ``values / denominators`` when denominators are given) or subgroup means (Xbar, with
        ``sds`` and ``sizes``; the S chart needs only ``sds`` and ``sizes``). ``x`` labels the points
        (default 1..n).
        """
        params = self.get_params()
        params["rebase"] = list(params["rebase"] or ())
        params["exclude"] = list(params["exclude"] or ())
        check_params(params)
        chart = self.chart
        y, den, sd, size = check_data(chart, values, denominators, sds, sizes)
        n = len(y)
        if n == 0:
            raise OptionError("values needs at least 1 value; got 0")
        labels = list(range(1, n + 1)) if x is None else list(x)
        if len(labels) != n:
            raise OptionError(f"inputs must have the same length; got values={n}, x={len(labels)}")
        excluded = np.zeros(n, dtype=bool)
        for position in params["exclude"]:
            if position > n:
                raise OptionError(f"exclude: point {position} does not exist; the series has {n} points")
            excluded[position - 1] = True
        starts = _period_starts(labels, params["rebase"])
        return self._compute(params, labels, y, den, sd, size, excluded, starts)

    def fit_subgroups(self, observations, subgroups: Sequence[Any]) -> SPCResult:
        """Xbar or S chart from raw observations and the subgroup each belongs to (first-seen order)."""
        from caresignal.stats.spc.facets import subgroup_stats

        keys, means, sds, sizes = subgroup_stats(observations, subgroups)
        return self.fit(means, x=keys, sds=sds, sizes=sizes)

    def _compute(self, params, labels, y, den, sd, size, excluded, starts) -> SPCResult:
        n = len(y)
        fields = {name: np.full(n, np.nan) for name in ("y", "cl", "lpl", "upl", "lpl95", "upl95")}
        baseline = np.zeros(n, dtype=bool)
        rule: list = [None] * n
        direction = np.zeros(n, dtype=np.int8)
        segment = np.zeros(n, dtype=int)
        periods = []
        bounds = list(starts) + [n]
        for number, (lo, hi) in enumerate(zip(bounds[:-1], bounds[1:])):
            sl = slice(lo, hi)
            segment[sl] = number
            included = ~excluded[sl]
            base = included.copy()
            if params["fix_after"] is not None:
                base[params["fix_after"]:] = False
            baseline[sl] = base
            lim = self._limits(y[sl], None if den is None else den[sl], None if sd is None else sd[sl],
                               None if size is None else size[sl], base, included)
            for name in fields:
                fields[name][sl] = getattr(lim, name) * params["scale"]
            idx = np.flatnonzero(included)
            marks = mark_all_rules(*(fields[f][sl][idx] for f in ("y", "cl", "lpl", "upl", "lpl95", "upl95")),
                                   shift_n=params["shift_n"], trend_n=params["trend_n"],
                                   two_in_three=params["two_in_three"])
            seg_rule, seg_dir = resolve_precedence(marks)
            for j, i in enumerate(idx):
                rule[lo + i] = seg_rule[j]
                direction[lo + i] = seg_dir[j]
            runs = None
            if params["runs_analysis"]:
                keep = idx[~np.isnan(fields["y"][sl][idx])]
                runs = runs_analysis(fields["y"][sl][keep], fields["cl"][sl][keep])
            n_base = int(base.sum())
            periods.append(Period(start=label(labels[lo]), end=label(labels[hi - 1]), n=hi - lo,
                                  n_base=n_base, trial=n_base < TRIAL_LIMIT_MIN_POINTS,
                                  evidence=lim.evidence, runs=runs))
        return self._result(params, labels, fields, rule, direction, segment, excluded, baseline, periods)

    def _limits(self, y, den, sd, size, base, included) -> Limits:
        chart, k = self.chart, float(self.multiplier)
        if chart in ("i", "mr") and den is not None:
            y = y / den
        if chart == "i":
            return lv.xmr_limits(y, base, screen=self.screen, factor=self.xmr_factor, k=k)
        if chart == "mr":
            return lv.mr_limits(y, base, included, k=k)
        if chart == "t":
            return lv.t_limits(y, base, screen=self.screen, k=k)
        if chart == "xbar":
            return lv.xbar_limits(y, sd, size, base, sigma_method=self.subgroup_sigma, k=k)
        if chart == "s":
            return lv.s_limits(sd, size, base, sigma_method=self.subgroup_sigma, k=k)
        if chart == "p":
            return la.p_limits(y, den, base, k=k)
        if chart == "pp":
            return la.pprime_limits(y, den, base, screen=self.screen, k=k)
        if chart == "u":
            return la.u_limits(y, den, base, k=k)
        if chart == "up":
            return la.uprime_limits(y, den, base, screen=self.screen, k=k)
        if chart == "c":
            return la.c_limits(y, base, k=k)
        return la.g_limits(y, base, centre=self.g_centre, k=k)

    def _result(self, params, labels, fields, rule, direction, segment, excluded, baseline,
                periods) -> SPCResult:
        types = point_types(direction, self.improvement)
        shown = [i for i in range(len(types)) if not excluded[i]]
        last = shown[-1] if shown else len(types) - 1
        variation = variation_icon(types[: last + 1])
        target = None if self.target is None else float(self.target)
        assurance = assurance_icon(target, float(fields["lpl"][last]), float(fields["upl"][last]),
                                   self.improvement)
        messages = []
        for p in periods:
            if p.trial:
                messages.append(f"the limits of the period starting at {p.start} come from {p.n_base} "
                                f"points (fewer than {TRIAL_LIMIT_MIN_POINTS}): trial limits, to be "
                                f"revised as points are added")
        for message in messages:
            warnings.warn(message, TooFewPointsWarning, stacklevel=3)
        return SPCResult(
            chart=self.chart, improvement=self.improvement, target=target, parameters=params,
            x=tuple(label(v) for v in labels), **fields, rule=tuple(rule), direction=direction,
            point_type=tuple(types), segment=segment, excluded=excluded, baseline=baseline,
            periods=tuple(periods), trial_limits=any(p.trial for p in periods), variation=variation,
            assurance=assurance, warnings=tuple(messages))


def _period_starts(labels: list, rebase: list) -> list[int]:
    """Indices where periods start: 0, then the first point on or after each rebase value."""
    starts = {0}
    keyed = order_keys(labels)
    for value in rebase:
        if keyed is not None:
            kind, keys = keyed
            key = key_of(value, kind)
            if key is None:
                raise OptionError(f"rebase: {value!r} is not a {kind} like the x values")
            later = [i for i, k in enumerate(keys) if k >= key]
            if not later:
                raise OptionError(f"rebase: {value!r} is after the last point ({label(labels[-1])})")
            starts.add(later[0])
        else:
            matches = [i for i, v in enumerate(labels) if str(v) == str(value)]
            if not matches:
                raise OptionError(f"rebase: {value!r} is not one of the x values")
            starts.add(matches[0])
    return sorted(starts)

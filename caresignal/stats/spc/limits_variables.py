"""Limits for charts of measurements: XmR (I with its MR chart), T, Xbar and S.

Every function takes the values of one period (one facet, one rebased segment) and ``base``, a mask of
the points the limits are computed from (the first N points when limits are fixed, minus excluded
points); limits are returned for every point. ``k`` is the sigma multiplier of the process limits; the
inner limits are at two thirds of that distance (2 sigma when k = 3).

References
----------
- Montgomery DC. *Introduction to Statistical Quality Control*, 7th ed., 2013: eqs 6.29-6.33 (Xbar and
  S with constant and variable subgroup sizes), 6.33 (individuals chart, sigma = MR-bar / d2).
- Nelson LS. Control charts for individual measurements. J Qual Technol 1982;14(3):172-173 (screening
  moving ranges).
- Nelson LS. A control chart for parts-per-million nonconforming items. J Qual Technol
  1994;26(3):239-240 (the y^(1/3.6) transformation used by the T chart).
"""

from __future__ import annotations

import numpy as np

from caresignal.stats.spc._limits_common import (
    Limits,
    average_moving_range,
    bands,
    base_mask,
    check_base,
)
from caresignal.stats.spc.constants import (
    D2_N2,
    INNER_LIMIT_FRACTION,
    MDC_XMR_FACTOR,
    MR_SCREEN_D4,
    T_CHART_EXPONENT,
    c4,
    c5,
)

XMR_FACTORS = ("mdc", "d2")
SUBGROUP_SIGMAS = ("pooled", "sbar")


def xmr_sigma(amr: float, factor: str) -> float:
    """Sigma of an individuals chart from the mean moving range.

    ``"mdc"``: 3 sigma = 2.66 x AMR (Making Data Count, NHSRplotthedots); ``"d2"``: sigma = AMR / 1.128
    (Montgomery eq. 6.33; PowerBI-SPC, qicharts2). The two differ by 0.015 %.
    """
    return amr * MDC_XMR_FACTOR / 3.0 if factor == "mdc" else amr / D2_N2


def xmr_limits(y, base=None, *, screen: bool = True, factor: str = "mdc", k: float = 3.0) -> Limits:
    """Individuals (I, X) chart: mean +/- k sigma, sigma from the mean moving range.

    ``CL = mean(y[base])``; ``MR_i = |y_i - y_(i-1)|`` over consecutive base points;
    ``sigma = AMR x 2.66 / 3`` (``factor="mdc"``) or ``AMR / 1.128`` (``factor="d2"``).
    With ``screen`` (default), moving ranges >= 3.267 x AMR are dropped and AMR recomputed once
    (Nelson 1982); ``screen=False`` reproduces the Making Data Count Excel tool.
    """
    y = np.asarray(y, dtype=float)
    base = base_mask(len(y), base)
    check_base(base, 2, "chart 'i'")
    cl = float(np.mean(y[base]))
    amr, evidence = average_moving_range(y[base], screen=screen)
    sigma = xmr_sigma(amr, factor)
    full = np.full(len(y), cl)
    lpl, upl, lpl95, upl95 = bands(full, np.full(len(y), sigma), k)
    evidence.update(cl=cl, sigma=sigma, factor=factor)
    return Limits(y, full, lpl, upl, lpl95, upl95, evidence)


def mr_limits(y, base=None, included=None, *, k: float = 3.0) -> Limits:
    """Moving-range chart: ``MR_i = |y_i - y_prev|``, CL = mean MR, upper limit ``k/3 x 3.267 x MR-bar``.

    The first point (and any point not ``included``) has no moving range. The centre line is the mean
    of the moving ranges between consecutive base points, unscreened (as PowerBI-SPC and qicharts2).
    The inner upper limit is 2/3 of the upper limit (2.178 x MR-bar, as both references); lower
    limits are 0.
    """
    y = np.asarray(y, dtype=float)
    n = len(y)
    base = base_mask(n, base)
    included = np.ones(n, bool) if included is None else np.asarray(included, bool)
    check_base(base, 2, "chart 'mr'")
    mr = np.full(n, np.nan)
    idx = np.flatnonzero(included)
    mr[idx[1:]] = np.abs(np.diff(y[idx]))
    base_idx = np.flatnonzero(base)
    cl = float(np.mean(np.abs(np.diff(y[base_idx]))))
    ucl = k / 3.0 * MR_SCREEN_D4 * cl
    zeros = np.zeros(n)
    return Limits(mr, np.full(n, cl), zeros, np.full(n, ucl), zeros.copy(),
                  np.full(n, INNER_LIMIT_FRACTION * ucl), {"cl": cl, "n_moving_ranges": len(base_idx) - 1})


def t_limits(y, base=None, *, screen: bool = True, k: float = 3.0) -> Limits:
    """T chart of times between events: an I chart of ``y^(1/3.6)``, back-transformed.

    Sigma from AMR / 1.128 on the transformed scale (with moving-range screening unless
    ``screen=False``); negative transformed lower limits become 0 (qicharts2 qic.t; PowerBI-SPC t.ts).
    Times must be positive.
    """
    y = np.asarray(y, dtype=float)
    base = base_mask(len(y), base)
    check_base(base, 2, "chart 't'")
    ty = y ** (1.0 / T_CHART_EXPONENT)
    inner = xmr_limits(ty, base, screen=screen, factor="d2", k=k)

    def back(v, lower):
        v = np.asarray(v, dtype=float)
        if lower:
            return np.where(v < 0, 0.0, np.abs(v) ** T_CHART_EXPONENT)
        return v ** T_CHART_EXPONENT

    evidence = dict(inner.evidence, transformed_cl=inner.evidence["cl"])
    evidence["cl"] = float(inner.cl[0] ** T_CHART_EXPONENT)
    return Limits(y, inner.cl ** T_CHART_EXPONENT, back(inner.lpl, True), back(inner.upl, False),
                  back(inner.lpl95, True), back(inner.upl95, False), evidence)


def subgroup_sigma(sds, sizes, base, method: str) -> float:
    """Within-subgroup sigma estimate for Xbar and S charts.

    ``"pooled"``: ``sqrt(sum((n_i - 1) s_i^2) / sum(n_i - 1))`` for any sizes (Montgomery eq. 6.31;
    PowerBI-SPC). ``"sbar"``: the mean of the s_i when all base subgroups have the same size
    (Montgomery eq. 6.29; qicharts2), pooled otherwise. Subgroups of one observation carry no s.
    """
    sds = np.asarray(sds, float)[base]
    sizes = np.asarray(sizes, float)[base]
    usable = sizes >= 2
    if not usable.any():
        from caresignal.domain.errors import OptionError
        raise OptionError("Xbar and S charts need subgroups of at least 2 observations")
    if method == "sbar" and len(np.unique(sizes[sizes >= 1])) == 1:
        return float(np.mean(sds[usable]))
    dof = sizes[usable] - 1.0
    return float(np.sqrt(np.sum(dof * sds[usable] ** 2) / np.sum(dof)))


def xbar_limits(means, sds, sizes, base=None, *, sigma_method: str = "pooled", k: float = 3.0) -> Limits:
    """Xbar chart: grand mean +/- k sigma / (c4(n_i) sqrt(n_i)), i.e. ``A3(n_i) x s`` at k = 3.

    ``CL = sum(n_i xbar_i) / sum(n_i)`` over base subgroups (Montgomery eq. 6.30); ``s`` from
    :func:`subgroup_sigma`. Subgroups of size 1 have no limits (NaN).
    """
    means = np.asarray(means, float)
    sizes = np.asarray(sizes, float)
    base = base_mask(len(means), base)
    check_base(base, 1, "chart 'xbar'")
    cl = float(np.sum(sizes[base] * means[base]) / np.sum(sizes[base]))
    s = subgroup_sigma(sds, sizes, base, sigma_method)
    with np.errstate(invalid="ignore", divide="ignore"):
        sigma = s / (c4(sizes) * np.sqrt(sizes))
    full = np.full(len(means), cl)
    lpl, upl, lpl95, upl95 = bands(full, sigma, k)
    return Limits(means, full, lpl, upl, lpl95, upl95, {"cl": cl, "s": s, "sigma_method": sigma_method})


def s_limits(sds, sizes, base=None, *, sigma_method: str = "pooled", k: float = 3.0) -> Limits:
    """S chart: CL = s (pooled or s-bar), limits ``CL (1 +/- k c5(n_i)/c4(n_i))``, lower at least 0.

    At k = 3 these are B3(n_i) CL and B4(n_i) CL (Montgomery appendix VI, eqs 6.27-6.28).
    """
    sds = np.asarray(sds, float)
    sizes = np.asarray(sizes, float)
    base = base_mask(len(sds), base)
    check_base(base, 1, "chart 's'")
    cl = subgroup_sigma(sds, sizes, base, sigma_method)
    with np.errstate(invalid="ignore", divide="ignore"):
        sigma = cl * c5(sizes) / c4(sizes)
    full = np.full(len(sds), cl)
    lpl, upl, lpl95, upl95 = bands(full, sigma, k, lower=0.0)
    return Limits(sds, full, lpl, upl, lpl95, upl95, {"cl": cl, "sigma_method": sigma_method})

"""Limits for charts of counts and proportions: P, P' (Laney), U, U' (Laney), C and G.

Same conventions as :mod:`limits_variables`: values of one period, ``base`` = the points the limits
come from, ``k`` = sigma multiplier (inner limits at two thirds of it).

References
----------
- Montgomery DC. *Introduction to Statistical Quality Control*, 7th ed., 2013: eqs 7.7-7.9 (P chart),
  7.17 (C chart), 7.19 (U chart); section 7.3.4 (G chart, Kaminsky et al. 1992).
- Laney DB. Improved control charts for attributes. *Qual Eng* 2002;14(4):531-537.
  https://doi.org/10.1081/QEN-120003555 (P' and U': sigma inflated by the moving range of z-scores).
- Mohammed MA, Panesar JS, Laney DB, Wilson R. Statistical process control charts for attribute data
  involving very large sample sizes. *BMJ Qual Saf* 2013;22:362-368.
  https://doi.org/10.1136/bmjqs-2012-001373
- Benneyan JC. Number-between g-type statistical quality control charts for monitoring adverse events.
  *Health Care Manag Sci* 2001;4:305-318. https://doi.org/10.1023/A:1011846412909
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
from caresignal.stats.spc.constants import D2_N2

G_CENTRES = ("mean", "median")


def p_limits(numerators, denominators, base=None, *, k: float = 3.0) -> Limits:
    """P chart: ``p_i = d_i / n_i``, ``CL = sum d / sum n``, ``sigma_i = sqrt(CL (1 - CL) / n_i)``.

    Limits are clipped to [0, 1] (Montgomery eq. 7.8; PowerBI-SPC p.ts; qicharts2 qic.p).
    """
    num, den = np.asarray(numerators, float), np.asarray(denominators, float)
    base = base_mask(len(num), base)
    check_base(base, 1, "chart 'p'")
    cl = float(num[base].sum() / den[base].sum())
    sigma = np.sqrt(cl * (1.0 - cl) / den)
    full = np.full(len(num), cl)
    return Limits(num / den, full, *bands(full, sigma, k, 0.0, 1.0), {"cl": cl})


def _laney_sigma_z(y, cl, sigma, base, screen: bool) -> tuple[float, dict]:
    """Laney's sigma_z: the mean moving range of ``z_i = (y_i - CL) / sigma_i`` over base points / 1.128."""
    z = (y[base] - cl) / sigma[base]
    amr, evidence = average_moving_range(z, screen=screen)
    sigma_z = amr / D2_N2
    evidence["sigma_z"] = sigma_z
    return sigma_z, evidence


def pprime_limits(numerators, denominators, base=None, *, screen: bool = True, k: float = 3.0) -> Limits:
    """Laney P' chart: the P chart's sigma_i multiplied by sigma_z, limits clipped to [0, 1].

    Moving ranges of z are screened (>= 3.267 x mean dropped) unless ``screen=False`` (Laney 2002;
    PowerBI-SPC pprime.ts, qicharts2 qic.pp with ``qic.screenedmr``).
    """
    num, den = np.asarray(numerators, float), np.asarray(denominators, float)
    base = base_mask(len(num), base)
    check_base(base, 2, "chart 'pp'")
    y = num / den
    cl = float(num[base].sum() / den[base].sum())
    sigma = np.sqrt(cl * (1.0 - cl) / den)
    sigma_z, evidence = _laney_sigma_z(y, cl, sigma, base, screen)
    full = np.full(len(num), cl)
    evidence["cl"] = cl
    return Limits(y, full, *bands(full, sigma * sigma_z, k, 0.0, 1.0), evidence)


def u_limits(numerators, denominators, base=None, *, k: float = 3.0) -> Limits:
    """U chart: ``u_i = c_i / n_i``, ``CL = sum c / sum n``, ``sigma_i = sqrt(CL / n_i)``, lower >= 0."""
    num, den = np.asarray(numerators, float), np.asarray(denominators, float)
    base = base_mask(len(num), base)
    check_base(base, 1, "chart 'u'")
    cl = float(num[base].sum() / den[base].sum())
    full = np.full(len(num), cl)
    return Limits(num / den, full, *bands(full, np.sqrt(cl / den), k, 0.0), {"cl": cl})


def uprime_limits(numerators, denominators, base=None, *, screen: bool = True, k: float = 3.0) -> Limits:
    """Laney U' chart: the U chart's sigma_i multiplied by sigma_z (see :func:`pprime_limits`), lower >= 0."""
    num, den = np.asarray(numerators, float), np.asarray(denominators, float)
    base = base_mask(len(num), base)
    check_base(base, 2, "chart 'up'")
    y = num / den
    cl = float(num[base].sum() / den[base].sum())
    sigma = np.sqrt(cl / den)
    sigma_z, evidence = _laney_sigma_z(y, cl, sigma, base, screen)
    full = np.full(len(num), cl)
    evidence["cl"] = cl
    return Limits(y, full, *bands(full, sigma * sigma_z, k, 0.0), evidence)


def c_limits(counts, base=None, *, k: float = 3.0) -> Limits:
    """C chart: ``CL = mean(c)``, ``sigma = sqrt(CL)`` (Poisson), lower limits at least 0."""
    c = np.asarray(counts, float)
    base = base_mask(len(c), base)
    check_base(base, 1, "chart 'c'")
    cl = float(np.mean(c[base]))
    full = np.full(len(c), cl)
    return Limits(c, full, *bands(full, np.full(len(c), np.sqrt(cl)), k, 0.0), {"cl": cl})


def g_limits(counts, base=None, *, centre: str = "mean", k: float = 3.0) -> Limits:
    """G chart of opportunities (days, cases) between events: geometric limits from the mean.

    ``g = mean(y[base])``, ``sigma = sqrt(g (g + 1))``, limits ``g +/- k sigma`` with lower limits 0
    (PowerBI-SPC g.ts; qicharts2 qic.g; Montgomery p. 319). The centre line is the mean by default;
    ``centre="median"`` shows the median instead, as PowerBI-SPC and qicharts2 draw it (the geometric
    distribution is skewed, so the median is the line half the points fall either side of, which is
    what the shift rule assumes).
    """
    y = np.asarray(counts, float)
    base = base_mask(len(y), base)
    check_base(base, 1, "chart 'g'")
    mean = float(np.mean(y[base]))
    sigma = np.sqrt(mean * (mean + 1.0))
    shown = mean if centre == "mean" else float(np.median(y[base]))
    lpl, upl, lpl95, upl95 = bands(np.full(len(y), mean), np.full(len(y), sigma), k, 0.0)
    return Limits(y, np.full(len(y), shown), lpl, upl, lpl95, upl95,
                  {"cl": shown, "mean": mean, "median": float(np.median(y[base])), "centre": centre})

"""Reproducing the OHID (Fingertips / PHEindicatormethods) funnel outputs: labels and axis grids.

OHID publishes two levels at once, as labels: ``High (0.001)`` (above the 99.8% limit),
``High (0.025)`` (above 95% only), ``Not significant``, ``Low (0.025)``, ``Low (0.001)``.
Its funnel tables are drawn at 100 points whose spacing follows ``calculate_funnel_limits``
(PHEindicatormethods R/Funnels.R, version 2.1.0); :func:`ohid_axis_grid` computes the same points so
that tables can be compared number for number.
"""

from __future__ import annotations

import math

import numpy as np

from caresignal.domain.errors import OptionError
from caresignal.stats.funnel._common import BAND_HIGHER, BAND_LOWER
from caresignal.stats._base import check_choice

OHID_LABELS = ("High (0.001)", "High (0.025)", "Not significant", "Low (0.025)", "Low (0.001)")
# PHEindicatormethods rounds the axis ends to 95% below the smallest and 105% above the largest
# denominator (``signif.floor``/``signif.ceiling``), and spreads 100 points between them.
AXIS_FLOOR_FACTOR = 0.95
AXIS_CEILING_FACTOR = 1.05
AXIS_POINTS = 100


def ohid_label(band_998: str, band_95: str) -> str:
    """The OHID label from the bands at 99.8% and at 95%."""
    if band_998 == BAND_HIGHER:
        return "High (0.001)"
    if band_998 == BAND_LOWER:
        return "Low (0.001)"
    if band_95 == BAND_HIGHER:
        return "High (0.025)"
    if band_95 == BAND_LOWER:
        return "Low (0.025)"
    return "Not significant"


def _r_nchar(x: float) -> int:
    """Characters R prints for a whole number: fixed notation unless scientific is shorter."""
    fixed = f"{x:.0f}"
    mantissa, exponent = f"{x:.14e}".split("e")
    mantissa = mantissa.rstrip("0").rstrip(".")
    sci = f"{mantissa}e{int(exponent):+03d}"
    return len(sci) if len(sci) < len(fixed) else len(fixed)


def _signif_floor(x: float) -> float:
    if x == 0:
        return 0.0
    scaled = x * AXIS_FLOOR_FACTOR
    n = _r_nchar(math.floor(scaled)) - 1
    return math.floor(scaled / 10 ** n) * 10 ** n


def _signif_ceiling(x: float) -> float:
    if x == 0:
        return 0.0
    scaled = x * AXIS_CEILING_FACTOR
    n = _r_nchar(math.ceil(scaled)) - 2
    return math.ceil(scaled / 10 ** n) * 10 ** n


def ohid_axis_grid(denominators, statistic: str, *, years: float = 1.0,
                   average: float | None = None) -> np.ndarray:
    """The 100 x-axis points of an OHID funnel table.

    Parameters
    ----------
    denominators : array
        The denominators (proportions) or expected counts (ratios) of the units.
    statistic : {"proportion", "ratio", "rate"}
        For a ratio the points are observed event counts (OHID's ``Observed_events`` column); for
        a rate they are event counts too (``Events``), from the axis of person-years.
    years : float
        Years of data a rate covers (the axis is rounded on the one-year scale).
    average : float
        The pooled rate ΣO/Σdenominator (rates only), turning person-years into events.

    Notes
    -----
    The axis starts at 0 when the largest denominator is more than twice the smallest, otherwise
    at 95% of the smallest rounded down to its leading digit; it ends at 105% of the largest
    rounded up to two significant digits. Each next point multiplies the previous by the ratio that
    would reach the end in the remaining steps, rounded to a whole number (R's ``round``, half to
    even), and is at least one more than the previous.
    """
    check_choice("statistic", statistic, ("proportion", "ratio", "rate"))
    d = np.asarray(denominators, dtype=float)
    d = d[~np.isnan(d)]  # OHID leaves out units whose denominator could not be derived
    d_min, d_max = float(d.min()), float(d.max())
    if statistic == "rate":
        if average is None:
            raise OptionError("a rate axis needs average (the pooled rate)")
        axis_min = 0.0 if d_max > 2 * d_min else _signif_floor(d_min / years) * years
        axis_max = _signif_ceiling(d_max / years) * years
        axis_min, axis_max = math.floor(axis_min * average), math.ceil(axis_max * average)
    else:
        axis_min = 0.0 if d_max > 2 * d_min else _signif_floor(d_min)
        axis_max = _signif_ceiling(d_max)
    points = [max(1.0, axis_min)]
    for j in range(2, AXIS_POINTS + 1):
        offset = j - 1 if statistic == "ratio" else j
        prev = points[-1]
        step = (axis_max / prev) ** (1.0 / (AXIS_POINTS + 1 - offset)) * prev
        points.append(max(float(np.round(step)), prev + 1))
    return np.array(points)

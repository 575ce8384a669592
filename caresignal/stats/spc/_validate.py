"""Validation of an SPC chart's options and data, done once, up front, in ``fit``.

Messages name the argument, show what arrived and list what is allowed. A bad data value raises
:class:`SPCValueError`, which also carries the argument and the 0-based position, so the command line
can point at the file's line and column.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

from caresignal.domain.errors import OptionError
from caresignal.stats._base import check_array, check_choice, check_same_length
from caresignal.stats.spc.icons import IMPROVEMENTS
from caresignal.stats.spc.limits_attributes import G_CENTRES
from caresignal.stats.spc.limits_variables import SUBGROUP_SIGMAS, XMR_FACTORS
from caresignal.stats.spc.rules import TWO_IN_THREE_MODES

CHARTS = ("i", "mr", "p", "pp", "u", "up", "c", "g", "t", "xbar", "s")
NEEDS_DENOMINATOR = frozenset({"p", "pp", "u", "up"})
MAY_HAVE_DENOMINATOR = frozenset({"i", "mr"})
SUBGROUP_CHARTS = frozenset({"xbar", "s"})


class SPCValueError(OptionError):
    """A data value a chart cannot use; ``argument`` and 0-based ``position`` say which."""

    def __init__(self, message: str, *, argument: str, position: int):
        self.reason = message
        self.argument = argument
        self.position = position
        super().__init__(f"{argument} at position {position + 1}: {message}")


def check_int(name: str, value, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        raise OptionError(f"{name} must be a whole number of at least {minimum}; got {value!r}")
    return int(value)


def check_positive(name: str, value) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value) \
            or value <= 0:
        raise OptionError(f"{name} must be a positive number; got {value!r}")
    return float(value)


def check_params(p: dict) -> None:
    """Validate a chart's constructor parameters (scikit-learn style: at fit time)."""
    check_choice("chart", p["chart"], CHARTS)
    check_choice("improvement", p["improvement"], IMPROVEMENTS)
    check_choice("two_in_three", p["two_in_three"], TWO_IN_THREE_MODES)
    check_choice("xmr_factor", p["xmr_factor"], XMR_FACTORS)
    check_choice("g_centre", p["g_centre"], G_CENTRES)
    check_choice("subgroup_sigma", p["subgroup_sigma"], SUBGROUP_SIGMAS)
    check_choice("screen", p["screen"], (True, False))
    check_choice("runs_analysis", p["runs_analysis"], (True, False))
    check_int("shift_n", p["shift_n"], 2)
    check_int("trend_n", p["trend_n"], 2)
    if p["fix_after"] is not None:
        check_int("fix_after", p["fix_after"], 1)
    check_positive("multiplier", p["multiplier"])
    check_positive("scale", p["scale"])
    if p["target"] is not None and (isinstance(p["target"], bool) or not isinstance(p["target"], numbers.Real)
                                    or not math.isfinite(p["target"])):
        raise OptionError(f"target must be a finite number or None; got {p['target']!r}")
    for position in p["exclude"]:
        check_int("exclude", position, 1)


def _first(mask: np.ndarray) -> int | None:
    hits = np.flatnonzero(mask)
    return int(hits[0]) if hits.size else None


def _refuse(mask, message: str, argument: str) -> None:
    i = _first(mask)
    if i is not None:
        raise SPCValueError(message, argument=argument, position=i)


def check_data(chart: str, values, denominators, sds, sizes) -> tuple:
    """Clean arrays for ``chart``; every value checked against what the chart can use."""
    den = sd = size = None
    if chart == "s" and values is None:
        values = np.asarray(sds if sds is not None else [], float)
        y = values
    else:
        y = _finite("values", values)
    if chart in NEEDS_DENOMINATOR and denominators is None:
        raise OptionError(f"chart {chart!r} needs denominators")
    if denominators is not None:
        if chart not in NEEDS_DENOMINATOR | MAY_HAVE_DENOMINATOR:
            raise OptionError(f"chart {chart!r} does not use denominators")
        den = _finite("denominators", denominators)
        check_same_length(values=y, denominators=den)
    if chart in SUBGROUP_CHARTS:
        if sds is None or sizes is None:
            raise OptionError(f"chart {chart!r} needs subgroup sds and sizes (see fit_subgroups)")
        sd = check_array("sds", sds, allow_nan=True)
        if chart == "s":
            y = sd
        size = _finite("sizes", sizes)
        check_same_length(values=y, sds=sd, sizes=size)
        _refuse((size < 1) | (size != np.round(size)), "a subgroup size must be a whole number >= 1",
                "sizes")
        _refuse((size >= 2) & ~(sd >= 0), "a subgroup of 2 or more needs a standard deviation >= 0", "sds")
    if den is not None:
        _refuse(den <= 0, "a denominator must be greater than 0", "denominators")
    if chart in ("p", "pp"):
        _refuse(y < 0, "a count of events cannot be negative", "values")
        _refuse(y > den, "a proportion's numerator cannot exceed its denominator", "values")
    elif chart in ("u", "up", "c", "g"):
        _refuse(y < 0, "a count cannot be negative", "values")
    elif chart == "t":
        _refuse(y <= 0, "a time between events must be greater than 0", "values")
    return y, den, sd, size


def _finite(name: str, values) -> np.ndarray:
    arr = np.asarray(values, dtype=float) if not isinstance(values, np.ndarray) else values.astype(float)
    if arr.ndim != 1:
        raise OptionError(f"{name} must be one-dimensional; got shape {arr.shape}")
    _refuse(np.isnan(arr), "the value is missing (NaN)", name)
    _refuse(np.isinf(arr), "the value is infinite", name)
    return arr

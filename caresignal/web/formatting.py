"""Display of stored values by the registry's unit and multiplier. Presentation only: no statistics.

An observation's ``value`` is stored on its natural scale (a proportion as 0.881, a rate per person).
The registry's ``multiplier`` says how analysts read it (100 for a percentage, 1,000 for a rate per
1,000), and ``unit`` says what kind of number it is. Every page formats through ``format_value`` so the
same figure reads the same everywhere.
"""

from __future__ import annotations

import datetime as dt
import math

from caresignal.domain.records import Indicator

NO_DATA = "No data"

# Decimal places shown per unit, after the multiplier is applied. Chosen so that a published figure
# reads as the NHS publishes it: A&E 4-hour performance to one decimal place of a percentage
# (NHS England A&E Attendances and Emergency Admissions statistics), ratios such as SHMI to two
# decimals (NHS Digital SHMI publication), counts as whole numbers.
DECIMALS = {"proportion": 1, "rate": 1, "ratio": 2, "score": 1, "days": 1, "count": 0}

_PER = {100: "per 100", 1_000: "per 1,000", 10_000: "per 10,000", 100_000: "per 100,000",
        1_000_000: "per million"}


def unit_label(indicator: Indicator) -> str:
    """Short label of how an indicator's values are shown, e.g. ``%``, ``per 1,000``, ``ratio``."""
    mult = indicator.multiplier or 1.0
    if indicator.unit == "proportion":
        return "%" if mult == 100 else "proportion"
    if indicator.unit == "rate":
        return _PER.get(int(mult), "rate") if mult > 1 else "rate"
    if indicator.unit == "days":
        return "days"
    return indicator.unit


def _number(x: float, decimals: int) -> str:
    if decimals == 0 and float(x).is_integer():
        return f"{int(x):,}"
    if decimals == 0:
        return f"{x:,.1f}"
    return f"{x:,.{decimals}f}"


def format_value(value: float | None, indicator: Indicator) -> str:
    """The value as an analyst reads it: ``88.1%``, ``12.4 per 1,000``, ``1.03``, ``7``.

    Missing, NaN or infinite values show as ``No data`` rather than a misleading zero.
    """
    if value is None or not math.isfinite(float(value)):
        return NO_DATA
    mult = indicator.multiplier or 1.0
    shown = float(value) * mult
    decimals = DECIMALS.get(indicator.unit, 2)
    text = _number(shown, decimals)
    label = unit_label(indicator)
    if label == "%":
        return f"{text}%"
    if label.startswith("per "):
        return f"{text} {label}"
    if label == "days":
        return f"{text} days"
    return text


def format_count(value: float | None) -> str:
    """A numerator or denominator: whole numbers with thousands separators."""
    if value is None or not math.isfinite(float(value)):
        return ""
    return _number(float(value), 0)


def format_period(period: str) -> str:
    """``2025-03`` -> ``Mar 2025``; a year ``2025`` stays as it is; anything else is shown unchanged."""
    try:
        if len(period) == 7:
            return dt.datetime.strptime(period, "%Y-%m").strftime("%b %Y")
    except ValueError:
        pass
    return period


def humanise(code: str) -> str:
    """``acute_teaching`` -> ``Acute teaching`` for enumerated values shown to people."""
    text = str(code).replace("_", " ")
    return text[:1].upper() + text[1:]

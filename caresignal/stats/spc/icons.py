"""Point types, the variation icon and the assurance icon, as Making Data Count defines them.

Names follow NHSRplotthedots (``ptd_point_type``, ``ptd_calculate_assurance_type``).

- A special-cause point is an *improvement* when its direction is the improvement direction, a
  *concern* when opposite; with no preferred direction it is *neutral high* or *neutral low*.
- The variation icon is the type of the last point.
- The assurance icon compares the target with the process limits of the last point: a target beyond
  the upper limit is consistently failed when higher is better (passed when lower is better), a target
  beyond the lower limit the reverse, and a target between the limits is met only some of the time
  (``inconsistent``). No icon without a target or when the direction is neutral.
"""

from __future__ import annotations

import math

import numpy as np

IMPROVEMENTS = ("increase", "decrease", "neutral")

COMMON_CAUSE = "common_cause"
IMPROVEMENT = "special_cause_improvement"
CONCERN = "special_cause_concern"
NEUTRAL_HIGH = "special_cause_neutral_high"
NEUTRAL_LOW = "special_cause_neutral_low"
POINT_TYPES = (COMMON_CAUSE, IMPROVEMENT, CONCERN, NEUTRAL_HIGH, NEUTRAL_LOW)

CONSISTENT_PASS = "consistent_pass"
CONSISTENT_FAIL = "consistent_fail"
INCONSISTENT = "inconsistent"
ASSURANCE_TYPES = (CONSISTENT_PASS, CONSISTENT_FAIL, INCONSISTENT)


def point_type(direction: int, improvement: str) -> str:
    """Name of a point given its special-cause direction (+1, -1, 0) and the improvement direction."""
    if direction == 0:
        return COMMON_CAUSE
    if improvement == "neutral":
        return NEUTRAL_HIGH if direction > 0 else NEUTRAL_LOW
    good = 1 if improvement == "increase" else -1
    return IMPROVEMENT if direction == good else CONCERN


def point_types(directions, improvement: str) -> list[str]:
    """:func:`point_type` for every point."""
    return [point_type(int(d), improvement) for d in np.asarray(directions)]


def variation_icon(types) -> str | None:
    """The variation icon: the type of the last point (None for an empty series)."""
    types = list(types)
    return types[-1] if types else None


def assurance_icon(target, lpl: float, upl: float, improvement: str) -> str | None:
    """Assurance from a target and the last point's process limits (None without target or if neutral)."""
    if target is None or improvement == "neutral" or (isinstance(target, float) and math.isnan(target)):
        return None
    if not (math.isfinite(lpl) and math.isfinite(upl)):
        return None
    increasing = improvement == "increase"
    if target > upl:
        return CONSISTENT_FAIL if increasing else CONSISTENT_PASS
    if target < lpl:
        return CONSISTENT_PASS if increasing else CONSISTENT_FAIL
    return INCONSISTENT

"""Which rule a point is flagged by: every rule is run, and the precedence is stated here, once.

Precedence (NHSRplotthedots ``ptd_special_cause_type``; the issue's contract): outside the process
limits, then trend, then two-in-three, then shift. A point belongs to the first rule in that order
whose pattern contains it, and takes that pattern's direction: the side of the limit or of the centre
line, or the direction of the trend (so a trend crossing the mean keeps one colour).
"""

from __future__ import annotations

import numpy as np

from caresignal.stats.spc.rules import (
    beyond_inner_limits,
    mark_outside_limits,
    mark_shift,
    mark_trend,
    mark_two_in_three,
    rule_outside_limits,
    rule_shift,
    rule_trend,
    rule_two_in_three,
    side_of_line,
)

RULE_ORDER = ("outside_limits", "trend", "two_in_three", "shift")


def mark_all_rules(y, cl, lpl, upl, lpl95, upl95, *, shift_n: int, trend_n: int,
                   two_in_three: str) -> dict[str, np.ndarray]:
    """Run every rule on one period; for each rule, the direction of the pattern each point is in."""
    side = side_of_line(y, cl)
    beyond = beyond_inner_limits(y, lpl, upl, lpl95, upl95, two_in_three)
    return {
        "outside_limits": mark_outside_limits(rule_outside_limits(y, lpl, upl)),
        "trend": mark_trend(rule_trend(y, trend_n), trend_n),
        "two_in_three": mark_two_in_three(rule_two_in_three(beyond, side), beyond),
        "shift": mark_shift(rule_shift(y, cl, shift_n), shift_n),
    }


def resolve_precedence(marks: dict[str, np.ndarray]) -> tuple[list, np.ndarray]:
    """The first rule (in :data:`RULE_ORDER`) marking each point, and its direction."""
    n = len(next(iter(marks.values()))) if marks else 0
    rule: list = [None] * n
    direction = np.zeros(n, dtype=np.int8)
    for name in reversed(RULE_ORDER):  # later assignments win, so walk from lowest precedence up
        m = marks[name]
        for i in np.flatnonzero(m):
            rule[i] = name
            direction[i] = m[i]
    return rule, direction

"""Special-cause rules of Making Data Count, each a small function on plain arrays.

Every rule has two parts, as in NHSRplotthedots: ``rule_*`` returns, for each point, the direction
(+1 up / -1 down, 0 none) of a pattern that is *complete* at that point, and a companion ``mark_*``
marks every point that belongs to such a pattern. Rules see one period (one facet, one rebased segment)
with excluded points already removed. Points exactly on the centre line are on neither side and break a
run; equal consecutive values break a trend; a point exactly on a limit is not beyond it.

References
----------
- NHS England / Improvement. Making Data Count: Strengthening your decisions (2019, revised 2023).
  https://www.england.nhs.uk/publication/making-data-count/
- NHSRplotthedots R/ptd_calculate_point_type.R (ptd_seven_point_one_side_mean, ptd_seven_point_trend,
  ptd_two_in_three, ptd_part_of_*): https://github.com/nhs-r-community/NHSRplotthedots
- The 2023 change to the two-in-three rule (points beyond 3 sigma count):
  https://github.com/nhs-r-community/NHSRplotthedots/issues/194
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

TWO_IN_THREE_MODES = ("mdc2023", "legacy")


def _direction(values) -> np.ndarray:
    """sign() as int8 with NaN mapped to 0."""
    v = np.asarray(values, float)
    out = np.zeros(v.shape, dtype=np.int8)
    out[v > 0] = 1
    out[v < 0] = -1
    return out


def side_of_line(y, cl) -> np.ndarray:
    """+1 above the centre line, -1 below, 0 on it (or missing)."""
    return _direction(np.asarray(y, float) - np.asarray(cl, float))


def rule_outside_limits(y, lpl, upl) -> np.ndarray:
    """+1 where ``y > upl``, -1 where ``y < lpl`` (a point on a limit is inside)."""
    y = np.asarray(y, float)
    out = np.zeros(y.shape, dtype=np.int8)
    with np.errstate(invalid="ignore"):
        out[y > np.asarray(upl, float)] = 1
        out[y < np.asarray(lpl, float)] = -1
    return out


def mark_outside_limits(fired) -> np.ndarray:
    """Each point outside the limits is its own pattern."""
    return np.asarray(fired, dtype=np.int8).copy()


def _same_sign_run_end(signs, length: int) -> np.ndarray:
    """Direction at i when ``signs[i-length+1 .. i]`` are all the same non-zero value, else 0."""
    signs = np.asarray(signs, dtype=np.int8)
    out = np.zeros(signs.shape, dtype=np.int8)
    if length < 1 or signs.size < length:
        return out
    windows = sliding_window_view(signs, length)
    up = np.all(windows == 1, axis=1)
    down = np.all(windows == -1, axis=1)
    out[length - 1:] = np.where(up, 1, np.where(down, -1, 0))
    return out


def mark_run(fired, n: int) -> np.ndarray:
    """Mark the ``n`` points ending at every point where a run rule fired, with its direction.

    Where two runs of opposite direction share a point (the turn of a V), the later run wins, as in
    NHSRplotthedots ("if a point is part of a trend either side, use right side").
    """
    fired = np.asarray(fired, dtype=np.int8)
    out = np.zeros(fired.shape, dtype=np.int8)
    for i in np.flatnonzero(fired):
        out[max(0, i - n + 1): i + 1] = fired[i]
    return out


def rule_shift(y, cl, n: int = 7) -> np.ndarray:
    """Shift: ``n`` consecutive points on the same side of the centre line (default 7).

    Fires at every point that completes such a run (so a run of 9 fires at its 7th, 8th and 9th).
    """
    return _same_sign_run_end(side_of_line(y, cl), n)


def mark_shift(fired, n: int = 7) -> np.ndarray:
    """Every point of a shift."""
    return mark_run(fired, n)


def rule_trend(y, n: int = 7) -> np.ndarray:
    """Trend: ``n`` consecutive points each higher (or each lower) than the one before (default 7).

    That is ``n - 1`` successive differences of the same sign; a repeated value breaks the trend.
    """
    y = np.asarray(y, float)
    out = np.zeros(y.shape, dtype=np.int8)
    if y.size < n or n < 2:
        return out
    steps = _direction(np.diff(y))
    out[1:] = _same_sign_run_end(steps, n - 1)
    return out


def mark_trend(fired, n: int = 7) -> np.ndarray:
    """Every point of a trend, with the trend's direction."""
    return mark_run(fired, n)


def beyond_inner_limits(y, lpl, upl, lpl95, upl95, mode: str = "mdc2023") -> np.ndarray:
    """+1/-1 for points beyond the inner (2 sigma) limits; which ones count depends on ``mode``.

    ``"mdc2023"``: every point beyond 2 sigma, including those beyond 3 sigma (Making Data Count's
    2023 revision). ``"legacy"``: only points between 2 and 3 sigma (NHSRplotthedots
    ``close_to_limits``; the MDC tools before 2023).
    """
    y = np.asarray(y, float)
    out = rule_outside_limits(y, lpl95, upl95)
    if mode == "legacy":
        out[rule_outside_limits(y, lpl, upl) != 0] = 0
    return out


def rule_two_in_three(beyond, side) -> np.ndarray:
    """Two (or three) of three consecutive points beyond 2 sigma, all three on the same side.

    ``beyond`` from :func:`beyond_inner_limits`, ``side`` from :func:`side_of_line`. Fires with the
    side's direction at the last point of each qualifying window of three.
    """
    beyond = np.asarray(beyond, dtype=np.int8)
    side = np.asarray(side, dtype=np.int8)
    out = np.zeros(side.shape, dtype=np.int8)
    if side.size < 3:
        return out
    count = sliding_window_view(beyond != 0, 3).sum(axis=1)
    same = _same_sign_run_end(side, 3)[2:]
    out[2:] = np.where(count >= 2, same, 0)
    return out


def mark_two_in_three(fired, beyond) -> np.ndarray:
    """The points beyond 2 sigma inside a qualifying window; the third point is not marked."""
    fired = np.asarray(fired, dtype=np.int8)
    beyond = np.asarray(beyond, dtype=np.int8)
    out = np.zeros(fired.shape, dtype=np.int8)
    for i in np.flatnonzero(fired):
        for j in range(i - 2, i + 1):
            if beyond[j] != 0:
                out[j] = fired[i]
    return out

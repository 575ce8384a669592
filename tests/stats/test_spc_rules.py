"""Each SPC rule on tiny hand-made vectors: empty, just too short, exactly long enough, and the edges.

The vectors marked "NHSRplotthedots" are the expected values of that package's rule tests
(nhs-r-community/NHSRplotthedots@050b07d, tests/testthat/test-ptd_calculate_point_type.R, MIT licence),
rewritten for our functions: their ``ptd_two_in_three(close_to_limits, relative_to_mean)`` is our
``rule_two_in_three`` + ``mark_run(.., 3)`` on a ``beyond`` vector, and NHSRplotthedots counts only
points between 2 and 3 sigma, i.e. ``two_in_three="legacy"``.
"""

from __future__ import annotations

import numpy as np
import pytest

from caresignal.stats.spc import (
    RULE_ORDER,
    beyond_inner_limits,
    mark_all_rules,
    mark_shift,
    mark_trend,
    mark_two_in_three,
    resolve_precedence,
    rule_outside_limits,
    rule_shift,
    rule_trend,
    rule_two_in_three,
)
from caresignal.stats.spc.rules import mark_run


def eq(a, b):
    assert np.asarray(a).tolist() == list(b)


# ---------------------------------------------------------------- outside the limits
def test_outside_limits_directions_and_points_on_the_limit():
    eq(rule_outside_limits([], [], []), [])
    eq(rule_outside_limits([5, 11, -1, 10, 0], [0] * 5, [10] * 5), [0, 1, -1, 0, 0])


def test_outside_limits_with_varying_limits_and_missing_values():
    y = [5, 25, np.nan, 35, 55]
    eq(rule_outside_limits(y, [0, 10, 20, 30, 40], [10, 20, 30, 40, 50]), [0, 1, 0, 0, 1])


# ---------------------------------------------------------------- shift
def test_shift_empty_too_short_and_exactly_long_enough():
    eq(rule_shift([], [], 7), [])
    eq(rule_shift([1] * 6, [0] * 6, 7), [0] * 6)          # 6 points: one short
    eq(rule_shift([1] * 7, [0] * 7, 7), [0] * 6 + [1])    # 7 points: fires at the 7th
    eq(mark_shift(rule_shift([1] * 7, [0] * 7, 7), 7), [1] * 7)


def test_shift_below_and_a_longer_run_marks_every_point():
    y = [-1] * 9 + [1]
    fired = rule_shift(y, [0] * 10, 7)
    eq(fired, [0] * 6 + [-1, -1, -1, 0])
    eq(mark_shift(fired, 7), [-1] * 9 + [0])


def test_shift_is_broken_by_a_point_on_the_centre_line():
    y = [1, 1, 1, 0, 1, 1, 1, 1]
    eq(rule_shift(y, [0] * 8, 4), [0, 0, 0, 0, 0, 0, 0, 1])
    eq(mark_shift(rule_shift(y, [0] * 8, 4), 4), [0, 0, 0, 0, 1, 1, 1, 1])


def test_shift_configurable_length():
    y = [1, 2, 2, 2, 1]
    eq(rule_shift(y, [1] * 5, 3), [0, 0, 0, 1, 0])
    eq(rule_shift(y, [1] * 5, 4), [0] * 5)


# ---------------------------------------------------------------- trend
def test_trend_empty_too_short_and_exactly_long_enough():
    eq(rule_trend([], 7), [])
    eq(rule_trend([1, 2, 3, 4, 5, 6], 7), [0] * 6)                 # NHSRplotthedots: 1:6
    eq(rule_trend([1, 2, 3, 4, 5, 6, 7], 7), [0] * 6 + [1])        # NHSRplotthedots: 1:7
    eq(rule_trend([7, 6, 5, 4, 3, 2, 1], 7), [0] * 6 + [-1])       # NHSRplotthedots: 7:1


def test_trend_repeated_value_breaks_it():
    eq(rule_trend([1, 2, 3, 3, 4, 5, 6], 7), [0] * 7)              # NHSRplotthedots: c(1:3, 3:6)


def test_trend_inside_a_longer_series():
    eq(rule_trend([2, 1, 2, 3, 4, 5, 6, 7, 3], 7), [0] * 7 + [1, 0])   # NHSRplotthedots: c(2, 1:7, 3)
    eq(rule_trend([2, 7, 6, 5, 4, 3, 2, 1, 3], 7), [0] * 7 + [-1, 0])  # NHSRplotthedots: c(2, 7:1, 3)
    eq(mark_trend(rule_trend([2, 1, 2, 3, 4, 5, 6, 7, 3], 7), 7), [0] + [1] * 7 + [0])


def test_trend_v_shape_shared_point_takes_the_later_trend():
    y = [7, 6, 5, 4, 3, 2, 1, 2, 3, 4, 5, 6, 7]
    marks = mark_trend(rule_trend(y, 7), 7)
    eq(marks, [-1] * 6 + [1] * 7)


# ---------------------------------------------------------------- two in three
def two_in_three_marks(beyond, side):
    """NHSRplotthedots' ptd_two_in_three: every point of a qualifying window."""
    return np.abs(mark_run(rule_two_in_three(beyond, side), 3)).tolist()


def test_two_in_three_empty_and_too_short():
    eq(rule_two_in_three([], []), [])
    eq(rule_two_in_three([1, 1], [1, 1]), [0, 0])


@pytest.mark.parametrize("beyond", [[1, 0, 1], [0, 1, 1], [1, 1, 0]])
def test_two_in_three_any_two_of_three_nhsrplotthedots(beyond):
    # NHSRplotthedots: d, e, f -> rep(1, 3); part_of: only the points beyond 2 sigma
    assert two_in_three_marks(beyond, [1, 1, 1]) == [1, 1, 1]
    eq(mark_two_in_three(rule_two_in_three(beyond, [1, 1, 1]), beyond), beyond)


def test_two_in_three_windows_in_a_longer_series_nhsrplotthedots():
    side = [1] * 7
    assert two_in_three_marks([0, 0, 1, 0, 1, 0, 0], side) == [0, 0, 1, 1, 1, 0, 0]   # g
    assert two_in_three_marks([0, 0, 1, 1, 0, 0, 0], side) == [0, 1, 1, 1, 1, 0, 0]   # h
    beyond = [1, 0, 0, 1]                                                             # hv
    eq(mark_two_in_three(rule_two_in_three(beyond, [1] * 4), beyond), [0, 0, 0, 0])
    beyond = [1, 0, 0, 1, 1]                                                          # iv
    eq(mark_two_in_three(rule_two_in_three(beyond, [1] * 5), beyond), [0, 0, 0, 1, 1])


def test_two_in_three_needs_all_three_on_one_side_nhsrplotthedots():
    for beyond in ([1, 0, 1], [0, 1, 1], [1, 1, 0]):
        assert two_in_three_marks(beyond, [1, -1, 1]) == [0, 0, 0]
    assert two_in_three_marks([0, 0, 1, 0, 1, 0, 0], [1, -1, 1, -1, 1, -1, 1]) == [0] * 7
    assert two_in_three_marks([0, 0, 1, 1, 0, 0, 0], [-1, 1, -1, 1, -1, 1, -1]) == [0] * 7


def test_two_in_three_2023_revision_counts_points_beyond_three_sigma():
    # limits: 2 sigma at +/-2, 3 sigma at +/-3; points 2.5 (between) and 4 (beyond 3 sigma), both above
    y, lo, hi, lo95, hi95 = [1, 2.5, 4], [-3] * 3, [3] * 3, [-2] * 3, [2] * 3
    mdc = beyond_inner_limits(y, lo, hi, lo95, hi95, "mdc2023")
    legacy = beyond_inner_limits(y, lo, hi, lo95, hi95, "legacy")
    eq(mdc, [0, 1, 1])
    eq(legacy, [0, 1, 0])
    side = [1, 1, 1]
    eq(mark_two_in_three(rule_two_in_three(mdc, side), mdc), [0, 1, 1])
    eq(mark_two_in_three(rule_two_in_three(legacy, side), legacy), [0, 0, 0])


# ---------------------------------------------------------------- precedence
def test_rule_order_is_the_contract():
    assert RULE_ORDER == ("outside_limits", "trend", "two_in_three", "shift")


def test_precedence_resolves_overlaps():
    # NHSRplotthedots ptd_special_cause_type test, as marks: trend beats shift, outside beats all
    marks = {
        "outside_limits": np.array([0, 0, 0, 0, 0, 1, -1, 0], np.int8),
        "trend": np.array([1, 1, 0, 0, 0, 0, 0, 0], np.int8),
        "two_in_three": np.array([0, 0, 0, 0, -1, 0, 0, 0], np.int8),
        "shift": np.array([1, 1, 1, 1, -1, -1, -1, 0], np.int8),
    }
    rule, direction = resolve_precedence(marks)
    assert rule == ["trend", "trend", "shift", "shift", "two_in_three", "outside_limits",
                    "outside_limits", None]
    eq(direction, [1, 1, 1, 1, -1, 1, -1, 0])


def test_trend_crossing_the_mean_keeps_its_direction():
    y = np.array([-3, -2, -1, 0.5, 1, 2, 3], float)
    marks = mark_all_rules(y, np.zeros(7), -np.full(7, 10.0), np.full(7, 10.0), -np.full(7, 7.0),
                           np.full(7, 7.0), shift_n=7, trend_n=7, two_in_three="mdc2023")
    rule, direction = resolve_precedence(marks)
    assert rule == ["trend"] * 7
    eq(direction, [1] * 7)

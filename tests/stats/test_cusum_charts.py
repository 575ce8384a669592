"""Tiny hand-made series: the recursion, resets, signal timing, VLAD, Poisson and z-score CUSUMs."""

from __future__ import annotations

import math

import numpy as np
import pytest

from caresignal.domain.errors import OptionError
from caresignal.stats import cusum as cs

W = [1.0, 1.0, 1.0, -0.5, 2.0, -5.0, 3.0]


def test_signal_is_the_row_where_s_first_reaches_h():
    values, signals = cs.cusum_path([1.0, 1.0, 1.0], 3.0, "zero")
    assert values.tolist() == [1.0, 2.0, 3.0]      # S = h exactly is a signal (S >= h)
    assert signals.tolist() == [2]


@pytest.mark.parametrize("reset, values, signals", [
    # none: carries on; a new signal only after dropping below h and reaching it again
    ("none", [1, 2, 3, 2.5, 4.5, 0, 3], [2, 4, 6]),
    # zero: restarts at 0 after the signal row
    ("zero", [1, 2, 3, 0, 2, 0, 3], [2, 6]),
    # halve: restarts at h/2 = 1.5
    ("halve", [1, 2, 3, 1.0, 3.0, 0, 3], [2, 4, 6]),
])
def test_resets(reset, values, signals):
    got, sig = cs.cusum_path(W, 3.0, reset)
    np.testing.assert_allclose(got, values)
    assert sig.tolist() == signals


def test_empty_and_never_positive_series():
    values, sig = cs.cusum_path([], 1.0)
    assert values.size == 0 and sig.size == 0
    values, sig = cs.cusum_path([-1.0, -2.0], 1.0)
    assert values.tolist() == [0.0, 0.0] and sig.size == 0


def test_bad_reset_names_the_allowed_values():
    with pytest.raises(OptionError, match="^reset must be one of none, zero, halve; got 'half'$"):
        cs.cusum_path(W, 3.0, "half")


@pytest.mark.parametrize("reset", cs.RESETS)
def test_batch_equals_one_series_at_a_time(reset):
    rng = np.random.default_rng(4)
    lengths = np.array([0, 1, 50, 7, 300, 3])
    w = rng.normal(0.1, 1.0, lengths.sum())
    h = rng.uniform(0.5, 3.0, lengths.size)
    values, signal = cs.cusum_batch(w, lengths, h, reset)
    start = 0
    for n, hi in zip(lengths, h):
        v1, s1 = cs.cusum_path(w[start:start + n], hi, reset)
        np.testing.assert_array_equal(values[start:start + n], v1)
        assert np.flatnonzero(signal[start:start + n]).tolist() == s1.tolist()
        start += n


def test_bernoulli_weights_formula():
    # Steiner et al. 2000: death log(R/(1-p+Rp)), survival -log(1-p+Rp); p = 0.2, R = 2.
    w = cs.bernoulli_weights([1, 0], [0.2, 0.2], 2.0)
    assert w[0] == pytest.approx(math.log(2 / 1.2))
    assert w[1] == pytest.approx(-math.log(1.2))


def test_lower_chart_is_drawn_below_zero_and_signals_on_survivals():
    y = np.zeros(30)
    p = np.full(30, 0.5)
    res = cs.bernoulli_cusum(y, p, 2.0, direction="both")
    # Lower chart for OR 1/2: each survivor adds -log(1 - 0.5 * 0.5) = log(4/3).
    step = math.log(4 / 3)
    assert res.lower_values[0] == pytest.approx(-step)
    first = math.ceil(2.0 / step)
    assert res.lower_signals[0] == first
    assert res.signals == ()
    assert all(v <= 0 for v in res.lower_values)


def test_imperial_chart_halves_after_signal():
    y = np.array([1, 1, 1, 1, 0])
    p = np.full(5, 0.1)
    res = cs.imperial_cusum(y, p, 1.2)
    w1 = math.log(2 / 1.1)
    assert res.values[0] == pytest.approx(w1)
    assert res.signals[0] == 3                       # 3 x 0.598 = 1.795 >= 1.2
    assert res.values[1] == pytest.approx(2 * w1)    # 1.196 < 1.2: no signal yet
    assert res.values[3] == pytest.approx(0.6 + w1)  # restarted at h/2 = 0.6
    assert res.reset == "halve" and res.ratio == 2.0


def test_vlad_is_expected_minus_observed():
    res = cs.vlad_chart([0, 1, 0], [0.1, 0.2, 0.3])
    np.testing.assert_allclose(res.values, [0.1, 0.1 - 0.8, 0.1 - 0.8 + 0.3])
    assert res.signals == ()


def test_poisson_cusum_weights():
    # O log R - (R - 1) E with R = 2: O = 3, E = 1 -> 3 log 2 - 1.
    res = cs.poisson_cusum([3, 0], [1.0, 1.0], 10.0)
    assert res.values[0] == pytest.approx(3 * math.log(2) - 1)
    assert res.values[1] == pytest.approx(max(0.0, 3 * math.log(2) - 2))


def test_zscore_cusum_counts():
    # z = (O - E)/sqrt(E) = (9 - 4)/2 = 2.5; S = 2.5 - 0.5 = 2.
    res = cs.zscore_cusum([9], [4.0], 2.0)
    assert res.values[0] == pytest.approx(2.0) and res.signals == (1,)


def test_result_contract_and_summary():
    res = cs.bernoulli_cusum([1, 0], [0.1, 0.1], 4.0)
    d = res.contract()
    assert set(d) == {"threshold", "values", "signals", "lower_values", "lower_signals"}
    assert "bernoulli CUSUM" in res.summary()


@pytest.mark.parametrize("kwargs, message", [
    (dict(outcome=[2], risk=[0.1]), "outcome must be 0 or 1"),
    (dict(outcome=[1], risk=[1.5]), "risk must be a probability"),
    (dict(outcome=[1, 0], risk=[0.1]), "same length"),
    (dict(outcome=[1], risk=[np.nan]), "missing value"),
])
def test_bad_inputs_are_named(kwargs, message):
    with pytest.raises(OptionError, match=message):
        cs.bernoulli_cusum(threshold=1.0, **kwargs)


def test_odds_ratio_one_is_refused():
    with pytest.raises(OptionError, match="odds_ratio must be a positive number other than 1"):
        cs.bernoulli_cusum([1], [0.1], 1.0, odds_ratio=1.0)


def test_chart_maximum_matches_recursion():
    rng = np.random.default_rng(1)
    w = rng.normal(-0.1, 1, 500)
    values, _ = cs.cusum_path(w, np.inf, "none")
    assert cs.chart_maximum(w) == pytest.approx(values.max())

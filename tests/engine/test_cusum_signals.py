"""run_cusums: thresholds re-solved only near h give the same signals as re-solving every series, the
bound it relies on holds, and its p-values are the exact chain's where it says so."""

from __future__ import annotations

import numpy as np
import pytest

from caresignal.engine.cusum_input import CusumSeries
from caresignal.engine.signals import CUSUM_NEAR_FACTOR, run_cusums
from caresignal.stats import cusum as cs

#: run_cusums' exact p-values (scaling 100) against cusum_p_value (scaling 600), relative; see
#: tests/stats/test_cusum_pvalues.py.
EXACT_RTOL = 0.04


def _england_like(seed=21, n_series=240):
    """Series shaped like the benchmark year's: lognormal volumes (median ~150), group risk levels
    from 0.2% to 60% with a wide spread of patient risks, and a fifth of series at odds ratio 1.5-3."""
    rng = np.random.default_rng(seed)
    lengths = np.clip(np.round(rng.lognormal(5.0, 0.9, n_series)), 8, 2500).astype(np.int64)
    mu = rng.uniform(-6.0, 0.3, n_series)
    sd = rng.uniform(0.4, 1.8, n_series)
    worse = np.where(rng.random(n_series) < 0.2, rng.uniform(1.5, 3.0, n_series), 1.0)
    risk = 1 / (1 + np.exp(-(np.repeat(mu, lengths) + np.repeat(sd, lengths)
                             * rng.standard_normal(lengths.sum()))))
    o = np.repeat(worse, lengths)
    died = (rng.random(risk.size) < o * risk / (1 - risk + o * risk)).astype(np.int64)
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    month = np.concatenate([np.linspace(0, 11, n).astype(np.int64) for n in lengths])
    return CusumSeries(np.array([f"Z{k:03d}" for k in range(n_series)], dtype=object),
                       np.arange(n_series), starts, lengths, month, month * 30, died, risk)


@pytest.fixture(scope="module")
def england():
    series = _england_like()
    return series, run_cusums(series, n_jobs=1)


@pytest.fixture(scope="module")
def resolved_everywhere(england):
    """The reference: every series the surface serves least well re-solved, whatever its chart did."""
    series, _ = england
    return cs.surveillance_thresholds(series.risk, series.lengths, false_alarm=0.05, n_jobs=1)


def test_surface_threshold_is_never_more_than_the_near_factor_above_the_exact_one(england,
                                                                                  resolved_everywhere):
    # The bound run_cusums relies on: h_curve <= CUSUM_NEAR_FACTOR * h_exact (measured at most 1.6%
    # above over the benchmark year's 6,987 short series).
    series, out = england
    mon = out["monitored"].to_numpy()
    _, sp, q = cs.mix_summaries(series.risk, series.lengths, 2.0)
    h_curve = cs.ThresholdCurve(2.0).fit().thresholds(sp[mon], q[mon], 0.05)
    ratio = h_curve / resolved_everywhere[mon]
    assert ratio.max() <= CUSUM_NEAR_FACTOR
    assert ratio.min() < 0.98     # the surface is often too low for short series: the re-solve matters


def test_resolving_near_h_only_gives_the_signals_of_resolving_everything(england, resolved_everywhere):
    series, out = england
    mon = out["monitored"].to_numpy()
    h_all = np.where(mon, resolved_everywhere, np.inf)
    w = cs.bernoulli_weights(series.died.astype(float), series.risk, 2.0)
    _, signal = cs.cusum_batch(w, series.lengths, h_all, reset="halve")
    n_signals = np.add.reduceat(signal.astype(np.int64), series.starts)
    assert (out["signals"].to_numpy() == np.where(mon, n_signals, 0)).all()
    assert (out["signals"] > 0).sum() >= 10          # enough charts cross h for the check to mean something
    exact = out["h_method"].to_numpy() == "exact"
    np.testing.assert_allclose(out["threshold"].to_numpy()[exact], h_all[exact], rtol=1e-12)


def test_p_values_marked_exact_match_the_single_series_chain(england):
    series, out = england
    rows = np.flatnonzero(out["p_method"].to_numpy() == "exact")
    assert rows.size >= 5
    for k in rows[:8]:
        sl = slice(series.starts[k], series.starts[k] + series.lengths[k])
        want = cs.cusum_p_value(series.died[sl].astype(float), series.risk[sl])
        assert out["p_value"].iloc[k] == pytest.approx(want, rel=EXACT_RTOL)


def test_curve_p_values_below_the_false_alarm_level_come_from_reliable_series(england):
    # A p-value at or below the false-alarm level (the only ones BH can flag) is either exact or from
    # a series inside the surface's reliable region.
    series, out = england
    _, sp, q = cs.mix_summaries(series.risk, series.lengths, 2.0)
    unreliable = cs.p_value_selection(series.lengths, sp, q)
    small = (out["p_value"] <= 0.05).to_numpy()
    assert not (small & unreliable & (out["p_method"] == "curve").to_numpy()).any()

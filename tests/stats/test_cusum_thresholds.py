"""Thresholds: Markov chain against simulation and exact enumeration, the estimator's contract, the
cached false-alarm surface against the exact search, p-values."""

from __future__ import annotations

import numpy as np
import pytest

from caresignal.domain.errors import OptionError
from caresignal.stats import cusum as cs

MIX = np.array([0.01, 0.03, 0.05, 0.1, 0.2, 0.4])   # a small, wide patient mix
# Monte Carlo tolerances: 3 standard errors of the simulated quantity.
SIM_RUNS = 4_000


def test_markov_arl_agrees_with_simulation():
    steps = cs.bernoulli_steps(MIX, 2.0)
    h = 2.5
    arl = cs.arl_markov(steps, h)
    rl = cs.simulate_run_lengths(steps, h, n_simulations=SIM_RUNS, seed=3)
    se = rl.std() / np.sqrt(rl.size)
    assert abs(rl.mean() - arl) < 3 * se


def test_markov_false_alarm_agrees_with_simulation():
    steps = cs.bernoulli_steps(MIX, 2.0)
    p = cs.false_alarm_probability(steps, 3.0, 200)
    top = cs.simulate_max(steps, 200, n_simulations=SIM_RUNS, seed=5)
    se = np.sqrt(p * (1 - p) / SIM_RUNS)
    assert abs((top >= 3.0).mean() - p) < 3 * se


def test_markov_agrees_with_exact_enumeration():
    # Constant risk, 30 patients: exact law of the maximum vs the paired-rounding chain.
    steps = cs.bernoulli_steps([0.1], 2.0)
    exact = cs.false_alarm_probability(steps, 1.5, 30, "exact")
    markov = cs.false_alarm_probability(steps, 1.5, 30, "markov")
    assert markov == pytest.approx(exact, rel=0.02)


def test_exact_threshold_is_the_smallest_value_with_tail_at_most_alpha():
    steps = cs.bernoulli_steps([0.2], 2.0)
    vals, tail = cs.exact_max_distribution(steps, 8)
    h = cs.false_alarm_threshold(steps, 0.05, 8, "exact")
    i = int(np.flatnonzero(vals == h)[0])
    assert tail[i] <= 0.05 < tail[i - 1]


def test_exact_refuses_long_horizons_with_a_reason():
    with pytest.raises(OptionError, match="use calibration 'markov' or 'simulation'"):
        cs.false_alarm_threshold(cs.bernoulli_steps(np.linspace(0.01, 0.5, 40), 2.0), 0.05, 200, "exact")


def test_threshold_estimator_contract():
    est = cs.CusumThreshold(arl0=100)
    assert est.arl0 == 100 and not hasattr(est, "threshold_")   # parameters stored, nothing learned
    with pytest.raises(cs.NotFittedError, match="call fit"):
        est.result()
    est.fit(risk=MIX)
    assert est.threshold_ > 0
    assert est.achieved_ == pytest.approx(100, rel=1e-4)
    res = est.result()
    assert res.contract() == {"threshold": est.threshold_, "arl0": est.achieved_}
    # Two-sided: one h for both charts, conservative (each side calibrated to 2 x ARL0).
    both = cs.CusumThreshold(arl0=100, direction="both").fit(risk=MIX)
    assert both.threshold_ == max(both.upper_threshold_, both.lower_threshold_)
    assert both.achieved_ >= 100 * 0.999


@pytest.mark.parametrize("params, message", [
    (dict(), "give exactly one target"),
    (dict(arl0=100, false_alarm=0.1, horizon=10), "give exactly one target"),
    (dict(false_alarm=0.1), "needs a horizon"),
    (dict(arl0=100, method="cusum"), "method must be one of"),
    (dict(arl0=100, calibration="mc"), "calibration must be one of"),
])
def test_threshold_estimator_refuses_bad_parameters_at_fit(params, message):
    est = cs.CusumThreshold(**params)            # constructing never fails
    with pytest.raises(OptionError, match=message):
        est.fit(risk=MIX)


def test_poisson_and_zscore_thresholds_by_markov_and_simulation():
    e = np.array([2.0, 3.0, 5.0])
    m = cs.CusumThreshold(method="poisson", false_alarm=0.1, horizon=24).fit(expected=e)
    s = cs.CusumThreshold(method="poisson", false_alarm=0.1, horizon=24, calibration="simulation",
                          n_simulations=SIM_RUNS).fit(expected=e)
    assert s.threshold_ == pytest.approx(m.threshold_, rel=0.05)
    z = cs.CusumThreshold(method="zscore", arl0=100).fit(expected=e)
    assert 1.0 < z.threshold_ < 10.0


def test_effective_risk_solves_the_drift_equation():
    p = np.array([0.01, 0.2, 0.6])
    _, q = cs.mix_summary(p, 2.0)
    assert np.log1p(q) / q == pytest.approx(np.log1p(p).sum() / p.sum(), rel=1e-12)


def test_cached_curve_agrees_with_exact_search(tmp_path):
    # A small surface (fast to build) around the series tested; the full-size one is benchmarked.
    curve = cs.ThresholdCurve(2.0, cache_dir=tmp_path, n_jobs=1, q_grid=[0.05, 0.1, 0.2],
                              h_grid=np.arange(1.0, 6.01, 0.25), e_grid=np.geomspace(5, 80, 12)).fit()
    assert not curve.from_cache_ and curve.path_.is_file()
    again = cs.ThresholdCurve(2.0, cache_dir=tmp_path, n_jobs=1, q_grid=[0.05, 0.1, 0.2],
                              h_grid=np.arange(1.0, 6.01, 0.25), e_grid=np.geomspace(5, 80, 12)).fit()
    assert again.from_cache_
    np.testing.assert_array_equal(again.log_p_, curve.log_p_)
    rng = np.random.default_rng(2)
    p = np.clip(rng.beta(1.2, 10, 300), 0.001, 0.9)
    _, q = cs.mix_summary(p, 2.0)
    h_curve = curve.thresholds(p.sum(), q, 0.05)[0]
    h_exact = cs.false_alarm_threshold(cs.bernoulli_steps(p, 2.0), 0.05, p.size)
    assert h_curve == pytest.approx(h_exact, rel=0.02)
    # p-values: at the threshold the p-value is the false-alarm probability.
    assert curve.p_values([h_curve], p.sum(), q)[0] == pytest.approx(0.05, rel=0.02)
    assert curve.p_values([0.0], p.sum(), q)[0] == 1.0


def test_p_value_of_one_series():
    rng = np.random.default_rng(9)
    p = rng.uniform(0.02, 0.2, 400)
    y_bad = (rng.random(400) < np.minimum(3 * p, 0.9)).astype(float)
    y_ok = (rng.random(400) < p).astype(float)
    assert cs.cusum_p_value(y_bad, p) < 0.01
    assert cs.cusum_p_value(y_ok, p) > 0.01


def test_series_maxima_batch():
    w = np.array([1.0, -3.0, 2.0, 0.5, -1.0])
    assert cs.series_maxima(w, [2, 3]).tolist() == [1.0, 2.5]


def test_refined_thresholds_within_two_percent_of_exact_search(tmp_path):
    # The bench's requirement (largest error within 2% of the per-series search, scaling 600) on a
    # seeded sample of the series the (E, q) summary serves worst: short, widely mixed patient mixes
    # (bench/cusum_thresholds.py measured up to 3.8% error there without the re-solve). A coarse
    # surface (quick to build) is enough as the starting point.
    curve = cs.ThresholdCurve(2.0, cache_dir=tmp_path, n_jobs=1, q_grid=np.geomspace(0.01, 0.8, 5),
                              h_grid=np.round(np.arange(0.1, 6.01, 0.1), 10),
                              e_grid=np.geomspace(0.05, 60, 12)).fit()
    rng = np.random.default_rng(4)
    lengths = np.array([20, 45, 60, 100, 150, 250])
    mu, sd = rng.uniform(-6, -1, lengths.size), rng.uniform(0.5, 2.2, lengths.size)
    risk = np.concatenate([1 / (1 + np.exp(-(m + s * rng.standard_normal(n))))
                           for m, s, n in zip(mu, sd, lengths)])
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    exact = np.array([cs.false_alarm_threshold(cs.bernoulli_steps(risk[a: a + n], 2.0), 0.05, n)
                      for a, n in zip(starts, lengths)])
    surface = cs.surveillance_thresholds(risk, lengths, curve=curve, refine=False)
    refined = cs.surveillance_thresholds(risk, lengths, curve=curve)
    assert np.abs(surface / exact - 1).max() > 0.02          # the coarse surface alone misses
    np.testing.assert_allclose(refined, exact, rtol=0.02)


def test_batched_chain_matches_the_single_series_chain():
    from caresignal.stats.cusum._refine import batch_false_alarm, mix_pmfs
    mixes = [np.array([0.01, 0.2, 0.5]), np.array([0.05] * 4 + [0.3]), np.array([0.002, 0.6])]
    lengths = np.array([m.size for m in mixes])
    kmin, pmf = mix_pmfs(np.concatenate(mixes), lengths, 2.0, 150)
    h = np.array([[0.7, 1.5], [1.2, 2.5], [0.65, 3.0]])
    horizons = np.array([40, 25, 90])
    got = batch_false_alarm(kmin, pmf, h, horizons, 150)
    for b, mix in enumerate(mixes):
        want = cs.signal_probability(cs.bernoulli_steps(mix, 2.0), h[b], int(horizons[b]), 150)
        np.testing.assert_allclose(got[b], want, rtol=1e-9, atol=1e-15)


def test_refine_leaves_unselected_and_infinite_thresholds_alone():
    risk = np.full(30, 0.1)
    h = np.array([np.inf])
    assert cs.refine_thresholds(risk, [30], h, false_alarm=0.05)[0] == np.inf
    h = np.array([1.234])
    assert cs.refine_thresholds(risk, [30], h, false_alarm=0.05, select=[False])[0] == 1.234

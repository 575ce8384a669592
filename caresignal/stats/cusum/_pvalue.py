"""p-values of CUSUM charts: how surprising is the highest value the chart reached, in control?

For a series of ``n`` rows whose chart (without resets) reached ``m = max_t S_t``, the p-value is
``P0(max_{t <= n} S_t >= m)``, the chance that an in-control unit with the same mix and volume climbs
as high (Marshall et al. 2004). p-values from every series go to Benjamini-Hochberg
(:func:`caresignal.stats.fdr.benjamini_hochberg`) to control the false discovery rate nationally.

Resets are ignored on purpose: the first climb to ``m`` happens before any reset at ``h >= m``, so
``P0(max S >= m)`` is the first-passage probability whatever the reset rule.

:func:`cusum_p_value` computes one series (scaling 600); :func:`batch_p_values` computes thousands,
batched, on each series' own mix (what ``ThresholdCurve.p_values`` uses where its surface is not
reliable); :func:`ville_bound` bounds the extreme tail for any mix.

References
----------
Marshall C, Best N, Bottle A, Aylin P (2004). Statistical issues in the prospective monitoring of health
outcomes across multiple units. JRSS A 167(3):541-559. doi:10.1111/j.1467-985X.2004.apm10.x
Ville J (1939). Etude critique de la notion de collectif. Gauthier-Villars, Paris (the maximal
inequality for non-negative martingales).
"""

from __future__ import annotations

import numpy as np

from caresignal.stats.cusum import _markov
from caresignal.stats.cusum._batch import batch_false_alarm, mix_pmfs
from caresignal.stats.cusum._chart import chart_maximum
from caresignal.stats.cusum._markov import DEFAULT_SCALING
from caresignal.stats.cusum._path import cusum_batch
from caresignal.stats.cusum._refine import BATCH, run_batches
from caresignal.stats.cusum._weights import bernoulli_weights


def cusum_p_value(outcome, risk, odds_ratio: float = 2.0, scaling: float = DEFAULT_SCALING) -> float:
    """p-value of one Bernoulli RA-CUSUM series, by the Markov chain on its own risk mix."""
    y = np.asarray(outcome, dtype=float)
    p = np.asarray(risk, dtype=float)
    m = chart_maximum(bernoulli_weights(y, p, odds_ratio))
    if m <= 0:
        return 1.0
    steps = _markov.bernoulli_steps(p, odds_ratio)
    return float(_markov.signal_probability(steps, m, y.size, scaling))


def series_maxima(weights, lengths) -> np.ndarray:
    """Maximum of the chart (no reset) for each series laid end to end."""
    lengths = np.asarray(lengths, dtype=np.int64)
    values, _ = cusum_batch(weights, lengths, np.inf, reset="none")
    out = np.zeros(lengths.size)
    nonempty = lengths > 0
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    if values.size:
        out[nonempty] = np.maximum.reduceat(values, starts[nonempty])
    return out


#: Grid points per unit for exact p-values of many series. Measured against the chain at scaling 600
#: (bench/cusum_thresholds.py's 181 sampled series with at least one expected event): largest error 2.3%
#: at the threshold and 3.7% at 1.5 times it (scaling 150: 3.1%, 300: 0.9% on the worst series), at
#: two thirds of the cost of 150. Series under one expected event, whose P steps at one
#: death's jump, can be off by more near that jump (the engine does not test them).
P_SCALING = 100
#: Below this the Ville bound ``n exp(-m)`` is reported instead of running the chain: such a p-value
#: is below ``fdr / (number of series)`` for any fdr >= 0.05 and fewer than 5e8 series, so BH
#: rejects it whatever its exact value, and the FFT's round-off (~1e-14) would swamp it anyway.
P_NEGLIGIBLE = 1e-10


def ville_reported(observed_max, rows) -> np.ndarray:
    """Where the p-value is reported as the :func:`ville_bound` instead of running the chain: a
    positive maximum whose bound is below ``P_NEGLIGIBLE`` (no FDR decision can depend on it)."""
    m = np.asarray(observed_max, dtype=float)
    return (m > 0) & (ville_bound(m, rows) < P_NEGLIGIBLE)


def ville_bound(observed_max, rows) -> np.ndarray:
    """An upper bound on ``P0(max_{t <= n} S_t >= m)`` for any patient mix: ``min(1, n exp(-m))``.

    Why it holds. Each log-likelihood-ratio score has ``E0[exp(W)] = 1``, so ``exp(C_t - C_j)`` (``C``
    the cumulative sum of scores) is a non-negative martingale from row ``j``, and Ville's inequality
    gives ``P0(sup_{t > j} C_t - C_j >= m) <= exp(-m)``. The CUSUM is ``S_t = max_{j <= t}(C_t - C_j)``,
    so ``{max S >= m}`` is the union over ``n`` starting rows ``j``; Boole's inequality gives
    ``n exp(-m)``. It is far from tight near ``h``; it bounds the extreme tail rigorously.
    """
    m = np.asarray(observed_max, dtype=float)
    n = np.asarray(rows, dtype=float)
    with np.errstate(over="ignore"):
        return np.minimum(1.0, n * np.exp(-m))


def batch_p_values(observed_max, risk, lengths, *, odds_ratio: float = 2.0, select=None,
                   scaling: float = P_SCALING, n_jobs: int = 1) -> np.ndarray:
    """Marshall et al. (2004) p-values of many series by the Markov chain on each series' own mix.

    Parameters
    ----------
    observed_max : array (series,)
        Each chart's largest value without reset (:func:`series_maxima`).
    risk, lengths : arrays
        Risks of every series laid end to end, and patients per series (the horizon is the series'
        own length).
    select : bool array (series,), optional
        Series to compute (default all); the others get NaN.
    scaling : float
        Grid points per unit (``P_SCALING``).
    n_jobs : int
        Processes (batches of ``BATCH`` similar series are shared out).

    Returns
    -------
    p : array (series,)
        ``P0(max_{t <= n} S_t >= m)``: 1 where ``m <= 0``; the :func:`ville_bound` where that is below
        ``P_NEGLIGIBLE``; NaN where not selected.
    """
    m = np.asarray(observed_max, dtype=float)
    lengths = np.asarray(lengths, dtype=np.int64)
    p_all = np.asarray(risk, dtype=float)
    out = np.full(lengths.size, np.nan)
    chosen = np.ones(lengths.size, dtype=bool) if select is None else np.asarray(select, dtype=bool).copy()
    bound = ville_bound(m, lengths)
    out[chosen & (m <= 0)] = 1.0
    bounded = ville_reported(m, lengths)
    tiny = chosen & bounded
    out[tiny] = bound[tiny]
    run = np.flatnonzero(chosen & (m > 0) & ~bounded & (lengths > 0))
    if not run.size:
        return out
    # Similar horizons and similar grid sizes share a batch (each batch runs to its longest horizon on
    # the FFT length of its highest maximum).
    run = run[np.lexsort((m[run], lengths[run]))]
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    jobs = []
    for i in range(0, run.size, BATCH):
        idx = run[i: i + BATCH]
        mix = np.concatenate([p_all[starts[k]: starts[k] + lengths[k]] for k in idx])
        jobs.append((mix, lengths[idx], m[idx], odds_ratio, scaling))
    parts = run_batches(_p_batch, jobs, n_jobs)
    out[run] = np.concatenate(parts)
    return out


def _p_batch(args):
    mix, lengths, m, odds_ratio, scaling = args
    kmin, pmf = mix_pmfs(mix, lengths, odds_ratio, scaling)
    return batch_false_alarm(kmin, pmf, m[:, None], lengths, scaling)[:, 0]

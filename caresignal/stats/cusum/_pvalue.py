"""p-values of CUSUM charts: how surprising is the highest value the chart reached, in control?

For a series of ``n`` rows whose chart (without resets) reached ``m = max_t S_t``, the p-value is
``P0(max_{t <= n} S_t >= m)``, the chance that an in-control unit with the same mix and volume climbs
as high (Marshall et al. 2004). p-values from every series go to Benjamini-Hochberg
(:func:`caresignal.stats.fdr.benjamini_hochberg`) to control the false discovery rate nationally.

Resets are ignored on purpose: the first climb to ``m`` happens before any reset at ``h >= m``, so
``P0(max S >= m)`` is the first-passage probability whatever the reset rule.
"""

from __future__ import annotations

import numpy as np

from caresignal.stats.cusum import _markov
from caresignal.stats.cusum._chart import chart_maximum
from caresignal.stats.cusum._markov import DEFAULT_SCALING
from caresignal.stats.cusum._path import cusum_batch
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

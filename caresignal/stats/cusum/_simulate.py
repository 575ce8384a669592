"""In-control run behaviour by Monte Carlo and by exact enumeration.

Simulation draws each row's score from the in-control :class:`StepDistribution` (a patient drawn
from the mix, then the outcome), as ``racusum_limit_sim`` of the cusum package does (Hubig), and runs
thousands of charts side by side. Exact enumeration follows every outcome sequence (merging equal
chart states), as ``cusum_limit_exact`` does for small samples; it is exact but only feasible for
short horizons and small mixes.
"""

from __future__ import annotations

import numpy as np

from caresignal.domain.errors import OptionError
from caresignal.stats.cusum._markov import StepDistribution

#: Default number of simulated charts (the cusum package's vignette uses 1,000; more is steadier).
DEFAULT_SIMULATIONS = 10_000
#: Rows simulated per block (memory: simulations x block floats).
_BLOCK = 512
#: Exact enumeration stops with an error beyond this many distinct (S, max S) states.
EXACT_MAX_STATES = 400_000
#: Chart values closer than this are the same value (they differ only by float round-off).
EXACT_MERGE = 1e-7


def _sampler(steps: StepDistribution, rng: np.random.Generator):
    cdf = np.cumsum(steps.probs)
    cdf[-1] = 1.0

    def draw(shape):
        return steps.values[np.searchsorted(cdf, rng.random(shape), side="right")]

    return draw


def simulate_max(steps: StepDistribution, horizon: int, n_simulations: int = DEFAULT_SIMULATIONS,
                 seed: int = 0, start: float = 0.0) -> np.ndarray:
    """Maximum of the chart over ``horizon`` rows for each of ``n_simulations`` in-control charts."""
    rng = np.random.default_rng(seed)
    draw = _sampler(steps, rng)
    s = np.full(n_simulations, float(start))
    top = s.copy()
    done = 0
    while done < horizon:
        block = draw((min(_BLOCK, horizon - done), n_simulations))
        for row in block:
            s += row
            np.maximum(s, 0.0, out=s)
            np.maximum(top, s, out=top)
        done += block.shape[0]
    return top


def simulate_run_lengths(steps: StepDistribution, threshold: float, n_simulations: int = 2_000,
                         seed: int = 0, max_rows: int = 10_000_000, start: float = 0.0) -> np.ndarray:
    """Rows to the first signal of ``n_simulations`` in-control charts (``max_rows`` if none by then).

    The same ``seed`` gives the same scores whatever the threshold (common random numbers), so the
    simulated ARL is monotone in ``h`` and can be searched by bisection.
    """
    rng = np.random.default_rng(seed)
    draw = _sampler(steps, rng)
    s = np.full(n_simulations, float(start))
    rl = np.full(n_simulations, max_rows, dtype=np.int64)
    alive = np.ones(n_simulations, dtype=bool)
    t = 0
    while alive.any() and t < max_rows:
        block = draw((min(_BLOCK, max_rows - t), n_simulations))
        for row in block:
            t += 1
            s += row
            np.maximum(s, 0.0, out=s)
            hit = alive & (s >= threshold)
            if hit.any():
                rl[hit] = t
                alive &= ~hit
    return rl


def exact_max_distribution(steps: StepDistribution, horizon: int, start: float = 0.0):
    """Exact law of ``max_{t <= n} S_t``: ``(values, P(max S >= value))``, values ascending.

    Enumerates every sequence of scores, merging paths that reach the same ``(S_t, max S)``
    (values rounded to 1e-9). Raises ``OptionError`` when the state count passes
    ``EXACT_MAX_STATES``: use the Markov chain or simulation for long horizons or wide mixes.
    """
    s = np.array([float(start)])
    m = s.copy()
    p = np.array([1.0])
    vals, probs = steps.values, steps.probs
    for t in range(int(horizon)):
        s2 = np.maximum(s[:, None] + vals[None, :], 0.0).ravel()
        m2 = np.maximum(m[:, None], s2.reshape(s.size, vals.size)).ravel()
        p2 = (p[:, None] * probs[None, :]).ravel()
        key_s = np.round(s2, 9)
        key_m = np.round(m2, 9)
        order = np.lexsort((key_s, key_m))
        key_s, key_m, p2 = key_s[order], key_m[order], p2[order]
        new = np.ones(key_s.size, dtype=bool)
        new[1:] = (key_s[1:] != key_s[:-1]) | (key_m[1:] != key_m[:-1])
        first = np.flatnonzero(new)
        s, m, p = key_s[first], key_m[first], np.add.reduceat(p2, first)
        if s.size > EXACT_MAX_STATES:
            raise OptionError(
                f"exact enumeration needs more than {EXACT_MAX_STATES:,} chart states by row {t + 1} "
                f"of {horizon}; use calibration 'markov' or 'simulation' for this horizon and mix")
    order = np.argsort(m)
    m, p = m[order], p[order]
    # Sums reached in different orders differ by float round-off: one value per 1e-7 cluster.
    first = np.flatnonzero(np.concatenate([[True], np.diff(m) > EXACT_MERGE]))
    uniq = m[first]
    mass = np.add.reduceat(p, first)
    tail = np.cumsum(mass[::-1])[::-1]
    return uniq, np.minimum(tail, 1.0)

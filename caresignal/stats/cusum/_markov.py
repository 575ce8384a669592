"""Markov chain approximation of a CUSUM's run length (Brook & Evans 1972) with paired rounding.

The chart value is put on a grid of step ``1/scaling``; one row's score ``W`` (a discrete
distribution: the in-control patient mix) moves the chart by a whole number of grid steps. Each
scaled score ``x = W * scaling`` is split between the two neighbouring grid points, ``floor(x)`` with
probability ``ceil(x) - x`` and ``ceil(x)`` with probability ``x - floor(x)``, so the mean step is kept
exactly: the *paired rounding* of Knoth, Wittenberg & Gan (2019), which converges much faster in
``scaling`` than rounding each score to its nearest grid point (Steiner et al. 2000).

States are ``0 .. g - 1`` with ``g = floor(h * scaling)``; a move to or below 0 lands on 0; a move to
exactly ``g`` stays in control with probability ``u = h * scaling - g`` (and is counted in state
``g - 1``), so that the run length changes smoothly with ``h``; anything further signals. This is the
discretisation of the vlad package (Wittenberg & Knoth), whose ``racusum_crit_mc`` we reproduce
(vlad test: ``h = 1.8592`` for ARL 370 on the cardiacsurgery data).

- Average run length from 0: solve ``(I - Q) L = 1`` (Brook & Evans 1972); the matrix is banded
  (a row moves at most the largest score), so a banded LU costs ``g * bandwidth**2``.
- Probability of a signal within ``n`` rows: push the state distribution forward ``n`` times, one
  FFT convolution per row; once the per-row hazard has settled to the chain's quasi-stationary
  value (to 1e-6 of itself), the rest follows geometrically: ``P(RL > n) = P(RL > t) (1 - hz)^(n - t)``.

References
----------
Brook D, Evans DA (1972). An approach to the probability distribution of CUSUM run length.
Biometrika 59(3):539-549. doi:10.1093/biomet/59.3.539
Knoth S, Wittenberg P, Gan FF (2019). Risk-adjusted CUSUM charts under model error.
Statistics in Medicine 38(12):2206-2218. doi:10.1002/sim.8104
Steiner SH, Cook RJ, Farewell VT, Treasure T (2000). Biostatistics 1(4):441-452.
doi:10.1093/biostatistics/1.4.441
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import fft as sfft
from scipy.linalg import solve_banded

from caresignal.domain.errors import OptionError

#: Grid points per unit of the chart (vlad's default ``scaling = 600``; Knoth et al. 2019).
DEFAULT_SCALING = 600
#: The per-row hazard ``1 - P(RL > t) / P(RL > t - 1)`` counts as settled (the chain has reached its
#: quasi-stationary law) when it changes by less than this fraction of itself over ``SETTLE_WINDOW`` rows.
SETTLE_TOLERANCE = 1e-6
SETTLE_WINDOW = 64
#: Score distributions with at most this many grid points are convolved by shifted adds, not FFT.
DIRECT_TAPS = 16
#: Solve the ARL equations densely when the state count is at most this multiple of the bandwidth.
DENSE_FACTOR = 1.5
#: Grid points per unit for count-based charts (Poisson, z-score), whose scores span many units.
COUNT_SCALING = 100


@dataclass(frozen=True)
class StepDistribution:
    """The in-control distribution of one row's score: ``P(W = values[i]) = probs[i]``."""

    values: np.ndarray
    probs: np.ndarray

    @classmethod
    def make(cls, values, probs) -> "StepDistribution":
        v = np.asarray(values, dtype=float).ravel()
        p = np.asarray(probs, dtype=float).ravel()
        keep = p > 0
        v, p = v[keep], p[keep]
        if v.size == 0 or not np.isfinite(v).all():
            raise OptionError("the score distribution is empty or not finite")
        return cls(v, p / p.sum())

    @property
    def mean(self) -> float:
        return float(self.values @ self.probs)


def bernoulli_steps(risks, odds_ratio: float = 2.0, *, weights=None, true_odds_ratio: float = 1.0
                    ) -> StepDistribution:
    """Score distribution of the Bernoulli RA-CUSUM for a patient mix.

    Each risk ``p`` (with frequency ``weights``, default equal) gives a death with probability
    ``p' = Q p / (1 - p + Q p)`` (``Q = true_odds_ratio``; 1 = in control) scoring
    ``log(R / (1 - p + R p))``, else ``-log(1 - p + R p)``.
    """
    p = np.asarray(risks, dtype=float).ravel()
    f = np.ones_like(p) if weights is None else np.asarray(weights, dtype=float).ravel()
    q = true_odds_ratio
    p_true = q * p / (1.0 - p + q * p)
    w0 = -np.log1p((odds_ratio - 1.0) * p)
    w1 = np.log(odds_ratio) + w0
    return StepDistribution.make(np.concatenate([w0, w1]),
                                 np.concatenate([(1.0 - p_true) * f, p_true * f]))


def poisson_steps(expected, rate_ratio: float = 2.0, *, weights=None, score: str = "llr",
                  k: float = 0.5, upper: bool = True) -> StepDistribution:
    """Score distribution per period when ``O ~ Poisson(E)`` for a mix of expected counts ``E``.

    ``score="llr"``: ``O log R - (R - 1) E``; ``score="z"``: ``+-(O - E)/sqrt(E) - k``.
    """
    from scipy.stats import poisson

    e = np.asarray(expected, dtype=float).ravel()
    f = np.ones_like(e) if weights is None else np.asarray(weights, dtype=float).ravel()
    vals, probs = [], []
    for ei, fi in zip(e.tolist(), f.tolist()):
        top = int(poisson.ppf(1 - 1e-13, ei)) + 1 if ei > 0 else 0
        o = np.arange(top + 1)
        pm = poisson.pmf(o, ei) if ei > 0 else np.array([1.0])
        if score == "llr":
            v = o * np.log(rate_ratio) - (rate_ratio - 1.0) * ei
        else:
            z = (o - ei) / np.sqrt(ei) if ei > 0 else np.zeros(1)
            v = (z if upper else -z) - k
        vals.append(v)
        probs.append(pm * fi)
    return StepDistribution.make(np.concatenate(vals), np.concatenate(probs))


def bernoulli_z_steps(risks, *, weights=None, k: float = 0.5, upper: bool = True) -> StepDistribution:
    """Score distribution of the z-score CUSUM on 0/1 rows with risks ``p``."""
    p = np.clip(np.asarray(risks, dtype=float).ravel(), 1e-12, 1 - 1e-12)
    f = np.ones_like(p) if weights is None else np.asarray(weights, dtype=float).ravel()
    sd = np.sqrt(p * (1 - p))
    z0, z1 = -p / sd, (1 - p) / sd
    sign = 1.0 if upper else -1.0
    return StepDistribution.make(np.concatenate([sign * z0 - k, sign * z1 - k]),
                                 np.concatenate([(1 - p) * f, p * f]))


def paired_rounding(steps: StepDistribution, scaling: float = DEFAULT_SCALING):
    """Integer step distribution ``(kmin, pmf)`` with ``pmf[i] = P(step = kmin + i)``.

    The range always includes 0 so that index ``-kmin`` is the "no move" step.
    """
    x = steps.values * scaling
    lo = np.floor(x)
    frac = x - lo
    kmin = int(min(lo.min(), 0))
    kmax = int(max(np.ceil(x).max(), 0))
    pmf = np.zeros(kmax - kmin + 1)
    np.add.at(pmf, (lo - kmin).astype(np.int64), steps.probs * (1.0 - frac))
    up = frac > 0
    np.add.at(pmf, (lo[up] - kmin + 1).astype(np.int64), steps.probs[up] * frac[up])
    return kmin, pmf


def _grid(h: float, scaling: float):
    hs = float(h) * scaling
    g = int(np.floor(hs))
    if g < 1:
        return 1, 0.0
    return g, hs - g


def arl_markov(steps: StepDistribution, threshold: float, scaling: float = DEFAULT_SCALING,
               start: float = 0.0, _rounded=None) -> float:
    """Average run length (rows to the first signal) of ``S_t = max(0, S_{t-1} + W_t)`` from ``start``.

    Solves the Brook-Evans equations ``(I - Q) L = 1`` on the paired-rounding grid (banded LU).
    Returns ``inf`` when the chart cannot signal in control (no positive score).
    """
    kmin, pmf = _rounded if _rounded is not None else paired_rounding(steps, scaling)
    kmax = kmin + pmf.size - 1
    if kmax <= 0:
        return float("inf")
    g, u = _grid(threshold, scaling)
    lower, upper = max(-kmin, 1), max(kmax, 1)
    ab = np.zeros((lower + upper + 1, g))
    ks = np.arange(kmin, kmax + 1)
    for k, pk in zip(ks.tolist(), pmf.tolist()):
        if pk == 0.0:
            continue
        i0, i1 = max(0, 1 - k), min(g - 1, g - 1 - k)  # rows whose move lands strictly inside
        if i0 <= i1:
            cols = np.arange(i0 + k, i1 + k + 1)
            ab[upper - k, cols] -= pk
    cdf = np.cumsum(pmf)
    rows0 = np.arange(0, min(g - 1, -kmin) + 1)
    ab[upper + rows0, 0] -= cdf[-rows0 - kmin]  # P(i + step <= 0)
    if u > 0:
        rows = np.arange(max(0, g - kmax), g)
        k = g - rows
        ok = k >= 1
        ab[upper + rows[ok] - (g - 1), g - 1] -= u * pmf[k[ok] - kmin]
    ab[upper, :] += 1.0
    if g <= DENSE_FACTOR * (lower + upper):
        # Few states compared with the band: a dense LU (BLAS level 3) is faster than banded LU.
        dense = np.zeros((g, g))
        for d in range(-upper, lower + 1):      # d = i - j, stored in row upper + d
            i = np.arange(max(0, d), min(g, g + d))
            dense[i, i - d] = ab[upper + d, i - d]
        arl = np.linalg.solve(dense, np.ones(g))
    else:
        arl = solve_banded((lower, upper), ab, np.ones(g), check_finite=False)
    i_start = min(int(round(start * scaling)), g - 1)
    return float(arl[i_start])


def signal_probability(steps: StepDistribution, thresholds, horizon, scaling: float = DEFAULT_SCALING,
                       start: float = 0.0, _rounded=None) -> np.ndarray:
    """``P(S_t >= h for some t <= n)`` in control, for each threshold and each horizon ``n``.

    Parameters
    ----------
    thresholds : float or array (m,)
    horizon : int or array of int (k,)
        Rows after the start (patients or periods).

    Returns
    -------
    array (m, k) (squeezed like the inputs).
    """
    hs = np.atleast_1d(np.asarray(thresholds, dtype=float))
    ns = np.atleast_1d(np.asarray(horizon, dtype=np.int64))
    out = _propagate(paired_rounding(steps, scaling) if _rounded is None else _rounded,
                     hs, ns, scaling, start)
    if np.ndim(thresholds) == 0 and np.ndim(horizon) == 0:
        return out[0, 0]
    if np.ndim(thresholds) == 0:
        return out[0]
    if np.ndim(horizon) == 0:
        return out[:, 0]
    return out


def fold_convolved(full: np.ndarray, g: np.ndarray, u: np.ndarray, m0: int, grid: int):
    """One step of the rounded chain after the convolution (rows: chains): ``(state, crossed)``.

    ``full[r, m0 + i]`` is the mass at state ``i`` after adding one score to row ``r``'s state vector.
    Mass at or below 0 reflects to state 0; row ``r``'s threshold lies a fraction ``u[r]`` past its
    last state ``g[r] - 1`` (paired rounding, :func:`_grid`), so that share of the mass reaching state
    ``g[r]`` stays in ``g[r] - 1`` and the rest crosses, with everything beyond. The crossing mass is
    summed directly (not as 1 - survival), so tiny probabilities keep their relative precision; the
    sum runs over the band right of the lowest edge only (a batch's thresholds are alike).
    """
    rows = np.arange(full.shape[0])
    width = full.shape[1]
    edge_i = m0 + g
    edge = np.where(edge_i < width, full[rows, np.minimum(edge_i, width - 1)], 0.0)
    c0 = min(int(edge_i.min()) + 1, width)
    past = np.where(np.arange(c0, width)[None, :] > edge_i[:, None], full[:, c0:], 0.0).sum(axis=1)
    state = np.empty((full.shape[0], grid))
    state[:, 0] = full[:, : m0 + 1].sum(axis=1)
    state[:, 1:] = full[:, m0 + 1: m0 + grid]
    state[np.arange(grid)[None, :] >= g[:, None]] = 0.0
    state[rows, g - 1] += u * edge
    return state, past + (1.0 - u) * edge


def _propagate(rounded, hs, ns, scaling, start):
    """``P(RL <= n)`` for each threshold (rows) and horizon (columns); see :func:`signal_probability`.

    The mass that crosses ``h`` at each row is summed directly from the convolution (not as
    ``1 - survival``), so tiny probabilities keep their relative precision; that matters for the
    p-values of extreme series and for interpolating ``log P``. Thresholds whose hazard has settled
    are finished geometrically and dropped, so the others run on alone.
    """
    kmin, pmf = rounded
    m0 = -kmin
    K = pmf.size
    grids = [_grid(h, scaling) for h in hs]
    g_all = np.array([gi for gi, _ in grids])
    u_all = np.array([ui for _, ui in grids])
    m = hs.size
    ns = np.asarray(ns, dtype=np.int64)
    out = np.zeros((m, ns.size))            # P(RL <= n)
    n_max = int(ns.max()) if ns.size else 0
    if n_max <= 0:
        return out
    G = int(g_all.max())
    L = sfft.next_fast_len(G + K - 1, real=True)
    P = sfft.rfft(pmf, L)
    live = np.arange(m)                      # original indices of the rows still propagated
    g, u = g_all.copy(), u_all.copy()
    v = np.zeros((m, G))
    v[np.arange(m), np.minimum(int(round(start * scaling)), g - 1)] = 1.0
    size = SETTLE_WINDOW + 1
    hz_hist = np.zeros((m, size))
    crossed = np.zeros(m)                    # cumulative P(RL <= t)
    surv = np.ones(m)
    t = 0
    taps = np.flatnonzero(pmf)
    direct = taps.size <= DIRECT_TAPS       # a few scores (constant risk): shifted adds beat the FFT
    tap_k, tap_p = taps + kmin, pmf[taps]
    kmax = max(int(tap_k.max()), 0)
    while t < n_max and live.size:
        rows = np.arange(live.size)
        if direct:
            ext = np.zeros((live.size, G + kmax + 2))
            for k, pk in zip(tap_k.tolist(), tap_p.tolist()):
                if k >= 0:
                    ext[:, k: k + G] += pk * v
                else:
                    ext[:, 0] += pk * v[:, : min(-k + 1, G)].sum(axis=1)
                    if G + k > 1:
                        ext[:, 1: G + k] += pk * v[:, 1 - k:]
            edge = ext[rows, g]
            beyond = g[:, None] + 1 + np.arange(kmax + 1)[None, :]
            lost = ext[rows[:, None], beyond].sum(axis=1) + (1.0 - u) * edge
            new = ext[:, :G]
            new[rows, g - 1] += u * edge
            new[np.arange(G)[None, :] >= g[:, None]] = 0.0
        else:
            full = sfft.irfft(sfft.rfft(v, L, axis=1) * P, L, axis=1)
            np.maximum(full, 0.0, out=full)      # FFT round-off can leave -1e-19s
            new, lost = fold_convolved(full, g, u, m0, G)
        v = new
        t += 1
        with np.errstate(divide="ignore", invalid="ignore"):
            hz = np.where(surv > 0, lost / surv, 0.0)
        crossed += lost
        surv = v.sum(axis=1)
        hz_hist[:, t % size] = hz
        hit = ns == t
        if hit.any():
            out[np.ix_(live, np.flatnonzero(hit))] = crossed[:, None]
        if t >= 2 * SETTLE_WINDOW and t % 8 == 0 and t < n_max:
            before = hz_hist[:, (t - SETTLE_WINDOW) % size]
            calm = (np.abs(hz - before) <= SETTLE_TOLERANCE * hz) | (surv < 1e-300)
            if calm.any():
                # Quasi-stationary: each further row loses the same fraction hz of what survives.
                later = np.flatnonzero(ns > t)
                k = (ns[later] - t)[None, :]
                c = np.flatnonzero(calm)
                with np.errstate(under="ignore", divide="ignore", invalid="ignore"):
                    more = -np.expm1(k * np.log1p(-np.minimum(hz[c], 1.0))[:, None])
                out[np.ix_(live[c], later)] = crossed[c, None] + surv[c, None] * np.nan_to_num(more, nan=1.0)
                keep = ~calm
                live, g, u, v = live[keep], g[keep], u[keep], v[keep]
                hz_hist, crossed, surv = hz_hist[keep], crossed[keep], surv[keep]
                if live.size:
                    G = int(g.max())
                    v = v[:, :G]
                    L_new = sfft.next_fast_len(G + K - 1, real=True)
                    if L_new < L:
                        L, P = L_new, sfft.rfft(pmf, L_new)
    return np.clip(out, 0.0, 1.0)

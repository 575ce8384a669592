"""The Markov chain of many Bernoulli RA-CUSUM series at once, each on its own patient mix.

Used by the threshold re-solve (:mod:`._refine`) and by exact p-values (:mod:`._pvalue`). Each row of
the batch is one series (or one series at one trial threshold) with its own paired-rounding score
distribution on a shared integer grid (Knoth et al. 2019; see :mod:`._markov`). The state
distributions of all rows are pushed forward together, one batched FFT convolution per patient, and
``P0(max_{t <= n} S_t >= h)`` is read at each row's own horizon ``n``.

Two things keep it exact and quick, as in :func:`._markov._propagate`:

- the mass that crosses ``h`` at each step is summed directly from the convolution (not as ``1 -``
  what survives), so p-values of 1e-12 keep their relative precision;
- once a row's per-patient hazard has settled to the chain's quasi-stationary value (to
  ``SETTLE_TOLERANCE`` of itself over ``SETTLE_WINDOW`` patients), the rest of its horizon follows
  geometrically, ``P(RL > n) = P(RL > t) (1 - hz)^(n - t)`` (Brook & Evans 1972), and the row leaves
  the batch; a row also leaves once its horizon is reached. Long series therefore cost a few hundred
  steps, not their length.

References
----------
Brook D, Evans DA (1972). Biometrika 59(3):539-549. doi:10.1093/biomet/59.3.539
Knoth S, Wittenberg P, Gan FF (2019). Statistics in Medicine 38(12):2206-2218. doi:10.1002/sim.8104
"""

from __future__ import annotations

import numpy as np
from scipy import fft as sfft

from caresignal.stats.cusum._markov import SETTLE_TOLERANCE, SETTLE_WINDOW, fold_convolved

#: Settling is checked every this many steps (checking at every step costs more than it saves).
SETTLE_EVERY = 8


def mix_pmfs(risk, lengths, odds_ratio: float, scaling: float):
    """Paired-rounding score distribution of each series' mix on a shared integer range.

    Returns ``(kmin, pmf)`` with ``pmf[b, i] = P(step = kmin + i)`` for series ``b`` (patients drawn
    uniformly from its ``lengths[b]`` reference risks; equivalent to :func:`._markov.paired_rounding`
    of :func:`._markov.bernoulli_steps` per series).
    """
    p = np.asarray(risk, dtype=float)
    lengths = np.asarray(lengths, dtype=np.int64)
    sid = np.repeat(np.arange(lengths.size), lengths)
    w0 = -np.log1p((odds_ratio - 1.0) * p) * scaling
    x = np.concatenate([w0, w0 + np.log(odds_ratio) * scaling])
    share = 1.0 / lengths[sid]
    mass = np.concatenate([(1.0 - p) * share, p * share])
    row = np.concatenate([sid, sid])
    lo = np.floor(x)
    frac = x - lo
    kmin = int(min(lo.min(), 0))
    kmax = int(max(np.ceil(x).max(), 0))
    pmf = np.zeros((lengths.size, kmax - kmin + 1))
    np.add.at(pmf, (row, (lo - kmin).astype(np.int64)), mass * (1.0 - frac))
    up = frac > 0
    np.add.at(pmf, (row[up], (lo[up] - kmin + 1).astype(np.int64)), mass[up] * frac[up])
    return kmin, pmf


def batch_false_alarm(kmin: int, pmf, thresholds, horizons, scaling: float) -> np.ndarray:
    """``P0(max_{t <= n_b} S_t >= h_bj)`` for series ``b`` (row ``b`` of ``pmf``) and trials ``j``.

    The Markov chain of :func:`._markov.signal_probability` (same grid, same treatment of a move to
    exactly ``h``: it stays in control with probability ``u = h * scaling - floor(h * scaling)``), run
    for all rows at once.

    Parameters
    ----------
    kmin, pmf : from :func:`mix_pmfs`
    thresholds : array (series, trials)
    horizons : array of int (series,)
    scaling : float

    Returns
    -------
    array (series, trials)
    """
    h = np.atleast_2d(np.asarray(thresholds, dtype=float))
    n_series, m = h.shape
    m0 = -kmin
    hs = h.ravel() * scaling
    g_all = np.maximum(np.floor(hs).astype(np.int64), 1)
    u_all = np.where(hs >= 1.0, hs - g_all, 0.0)
    n_all = np.repeat(np.asarray(horizons, dtype=np.int64), m)
    out = np.zeros(n_all.size)
    live = np.flatnonzero(n_all > 0)         # original indices of the rows still propagated
    if not live.size:
        return out.reshape(n_series, m)
    K = pmf.shape[1]
    G = int(g_all[live].max())
    L = sfft.next_fast_len(G + K - 1, real=True)
    spectrum = np.repeat(sfft.rfft(pmf, L, axis=1), m, axis=0)[live]
    g, u, n = g_all[live], u_all[live], n_all[live]
    v = np.zeros((live.size, G))
    v[:, 0] = 1.0
    crossed = np.zeros(live.size)            # P(RL <= t), summed crossing by crossing
    surv = np.ones(live.size)
    size = SETTLE_WINDOW + 1
    hz_hist = np.zeros((live.size, size))
    t = 0
    while live.size:
        t += 1
        full = sfft.irfft(sfft.rfft(v, L, axis=1) * spectrum, L, axis=1)
        np.maximum(full, 0.0, out=full)      # FFT round-off can leave -1e-19s
        v, lost = fold_convolved(full, g, u, m0, G)
        with np.errstate(divide="ignore", invalid="ignore"):
            hz = np.where(surv > 0, lost / surv, 0.0)
        crossed += lost
        surv = v.sum(axis=1)
        hz_hist[:, t % size] = hz
        done = n == t
        out[live[done]] = crossed[done]
        if t >= 2 * SETTLE_WINDOW and t % SETTLE_EVERY == 0:
            before = hz_hist[:, (t - SETTLE_WINDOW) % size]
            calm = ~done & ((np.abs(hz - before) <= SETTLE_TOLERANCE * hz) | (surv < 1e-300))
            if calm.any():
                # Quasi-stationary: each further patient loses the same fraction hz of what survives.
                c = np.flatnonzero(calm)
                with np.errstate(under="ignore", divide="ignore", invalid="ignore"):
                    more = -np.expm1((n[c] - t) * np.log1p(-np.minimum(hz[c], 1.0)))
                out[live[c]] = crossed[c] + surv[c] * np.nan_to_num(more, nan=1.0)
                done = done | calm
        if done.any():
            keep = ~done
            live, g, u, n, v = live[keep], g[keep], u[keep], n[keep], v[keep]
            spectrum, crossed, surv, hz_hist = spectrum[keep], crossed[keep], surv[keep], hz_hist[keep]
            if live.size:
                G_new = int(g.max())
                if G_new < G:
                    G, v = G_new, v[:, :G_new]
                    L_new = sfft.next_fast_len(G + K - 1, real=True)
                    if L_new < L:
                        L = L_new
                        spectrum = np.repeat(sfft.rfft(pmf, L, axis=1), m, axis=0)[live]
    return np.clip(out, 0.0, 1.0).reshape(n_series, m)

"""Refine cached thresholds on each series' own patient mix, many series per Markov-chain pass.

The cached surface (:mod:`._curve`) summarises a series by ``(E, q)``, which ignores how widely the
jump sizes ``log(R / (1 - p + R p))`` vary across its patients. For short series (a few hundred
patients) and series with only a fraction of an expected death that matters: the cached threshold is
then up to ~4% (rarely ~13%) too low on ``bench/cusum_thresholds.py``'s series, and up to 38% too low
(never more than 1.6% too high) on the 6,987 short series of the national benchmark year. Those series
are cheap to compute exactly, because their horizon is short, so this module does so:

1. every selected series gets the paired-rounding score distribution of its own mix (Knoth et al.
   2019; see :mod:`._markov`), all on one integer grid, one row per series;
2. the state distributions of a batch of series (one row per series and trial threshold) are pushed
   forward together, one batched FFT convolution per patient, each row with its own score distribution,
   giving ``P0(max_{t <= n} S_t >= h)`` at each series' own horizon ``n`` (:mod:`._batch`);
3. the root of ``log P(h) = log alpha`` is found by the secant method started from the cached
   threshold (which is within a few percent), keeping a bracket (Illinois rule) so that a steep step
   of ``P`` in ``h`` (at one death's jump ``log R``, in series with well under one expected death)
   cannot throw it off.

References
----------
Brook D, Evans DA (1972). Biometrika 59(3):539-549. doi:10.1093/biomet/59.3.539
Knoth S, Wittenberg P, Gan FF (2019). Statistics in Medicine 38(12):2206-2218. doi:10.1002/sim.8104
Dowell M, Jarratt P (1971). A modified regula falsi method for computing the root of an equation.
BIT 11:168-174. doi:10.1007/BF01934364 (the Illinois rule)
"""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor

import numpy as np

from caresignal.stats.cusum._batch import batch_false_alarm, mix_pmfs

#: Grid points per unit of the chart in the refinement. The bench measures mean error 0.1-0.3% at
#: 100-200 against the scaling-600 search; 150 keeps the largest error within budget at half the cost.
REFINE_SCALING = 150
#: Series whose horizon has fewer patients than this are refined (the cached ``(E, q)`` summary is
#: within 1.5% above it, up to 4% or more below it: bench/cusum_thresholds.py).
REFINE_MAX_ROWS = 400
#: Series with fewer expected events than this over the horizon are refined whatever their volume:
#: their threshold sits near one death's jump, where the cached surface's h grid is too coarse.
REFINE_MAX_EXPECTED = 1.0
#: Most secant steps after the first pair of trial thresholds; each runs only the series not yet solved
#: (from the default surface nearly all are solved within two; a coarse surface may need more).
REFINE_STEPS = 8
#: A series is solved when ``|log P(h) - log alpha|`` is below this (2% of alpha; about 0.5% of h
#: where log P falls by ~1.5 per unit h, as it does near the thresholds of interest).
LOG_TOLERANCE = 0.02
#: Second trial when the surface gives no usable slope: this factor above the cached threshold when
#: it is too likely (below when too unlikely).
FIRST_STEP = 1.04
#: d log P / d h used for the first Newton step when no slope is given: the long-horizon tail of the
#: log-likelihood CUSUM falls like exp(-h) (adjustment coefficient 1, since E0[exp(W)] = 1), short
#: horizons somewhat faster.
DEFAULT_LOG_SLOPE = -1.5
#: Largest factor by which one secant step may move away from the current pair.
MAX_STEP = 1.5
#: Series per batch: bounds memory to batch x trials x grid floats.
BATCH = 64


def _refine_batch(args):
    risk, lengths, horizons, h0, slope, false_alarm, odds_ratio, scaling = args
    kmin, pmf = mix_pmfs(risk, lengths, odds_ratio, scaling)
    target = np.log(false_alarm)

    def f(h, keep):
        p = batch_false_alarm(kmin, pmf[keep], h[:, None], horizons[keep], scaling)[:, 0]
        return np.log(np.maximum(p, 1e-300)) - target

    # First trial: the cached threshold; second: a Newton step from it with the surface's slope of
    # log P in h (one trial per pass instead of a fixed pair saves a third of the work).
    a = np.asarray(h0, dtype=float)
    fa = f(a, np.arange(a.size))
    b, fb = a.copy(), fa.copy()
    todo = np.flatnonzero(np.abs(fa) > LOG_TOLERANCE)
    if todo.size:
        step = np.where(fa[todo] > 0, FIRST_STEP, 1.0 / FIRST_STEP) * a[todo]
        with np.errstate(divide="ignore", invalid="ignore"):
            newton = a[todo] - fa[todo] / slope[todo]
        newton = np.where(np.isfinite(newton) & (slope[todo] < 0), newton, step)
        b[todo] = np.clip(newton, a[todo] / MAX_STEP, a[todo] * MAX_STEP)
        fb[todo] = f(b[todo], todo)
    fa_true = fa.copy()
    best = np.where(np.abs(fa) <= np.abs(fb), a, b)
    for _ in range(REFINE_STEPS):
        todo = np.flatnonzero(np.minimum(np.abs(fa_true), np.abs(fb)) > LOG_TOLERANCE)
        if not todo.size:
            break
        x0, x1, y0, y1, t0 = a[todo], b[todo], fa[todo], fb[todo], fa_true[todo]
        with np.errstate(divide="ignore", invalid="ignore"):
            c = x1 - y1 * (x1 - x0) / (y1 - y0)
            rising = (y1 - y0) / (x1 - x0) >= 0
        # log P falls with h: a flat or rising secant means the root lies beyond the pair; step out.
        bad = ~np.isfinite(c) | rising
        c[bad] = np.where(y1[bad] > 0, np.maximum(x0[bad], x1[bad]) * 1.1,
                          np.minimum(x0[bad], x1[bad]) / 1.1)
        # A near-flat secant (a plateau of P between two reachable chart values) can shoot far off:
        # stay within a factor MAX_STEP of the pair.
        c = np.clip(c, np.minimum(x0, x1) / MAX_STEP, np.maximum(x0, x1) * MAX_STEP)
        c = np.maximum(c, 1.0 / scaling)
        fc = f(c, todo)
        bracketed = np.sign(y0) != np.sign(y1)
        # Illinois: keep a bracket once there is one, halving the stale end's value so it cannot
        # stall; without a bracket, plain secant on the two latest points.
        swap = (np.sign(fc) != np.sign(y1)) | ~bracketed
        a[todo] = np.where(swap, x1, x0)
        fa[todo] = np.where(swap, y1, y0 / 2.0)
        fa_true[todo] = np.where(swap, y1, t0)
        b[todo], fb[todo] = c, fc
        best[todo] = np.where(np.abs(fc) <= np.minimum(np.abs(t0), np.abs(y1)), c,
                              np.where(np.abs(t0) < np.abs(y1), x0, x1))
    # Still unsolved but bracketed: one last interpolation between the true ends (log P is close to
    # linear in h between them).
    open_ = (np.minimum(np.abs(fa_true), np.abs(fb)) > LOG_TOLERANCE) & (np.sign(fa_true) != np.sign(fb))
    with np.errstate(divide="ignore", invalid="ignore"):
        last = b - fb * (b - a) / (fb - fa_true)
    return np.where(open_ & np.isfinite(last), last, best)


def refine_thresholds(risk, lengths, thresholds, *, horizon_rows=None, false_alarm: float,
                      odds_ratio: float = 2.0, select=None, slopes=None, scaling: float = REFINE_SCALING,
                      n_jobs: int = 1) -> np.ndarray:
    """Solve ``P0(max_{t <= n} S_t >= h) = false_alarm`` on each selected series' own mix.

    Parameters
    ----------
    risk, lengths : arrays
        Reference risks of every series laid end to end, and patients per series.
    thresholds : array (series,)
        Starting values (the cached thresholds); returned unchanged where not selected or infinite.
    horizon_rows : array of int, optional
        Patients per series over the horizon (default ``lengths``).
    select : bool array (series,), optional
        Series to refine (default: every series with horizon rows below ``REFINE_MAX_ROWS`` or under
        ``REFINE_MAX_EXPECTED`` expected events, see :func:`default_selection`).
    slopes : array (series,), optional
        ``d log P / d h`` near each starting value (negative), e.g. from the cached surface; the
        first Newton step uses it. Default ``DEFAULT_LOG_SLOPE``.
    n_jobs : int
        Processes (batches are shared out).

    Returns
    -------
    thresholds : array (series,)
    """
    lengths = np.asarray(lengths, dtype=np.int64)
    p = np.asarray(risk, dtype=float)
    rows = lengths if horizon_rows is None else np.round(np.asarray(horizon_rows, dtype=float)).astype(np.int64)
    h = np.array(thresholds, dtype=float, copy=True)
    if select is None:
        select = default_selection(p, lengths, rows)
    chosen = np.flatnonzero(np.asarray(select, dtype=bool) & np.isfinite(h) & (lengths > 0) & (rows > 0))
    if not chosen.size:
        return h
    chosen = chosen[np.argsort(rows[chosen], kind="stable")]   # similar horizons share a batch
    slope = np.broadcast_to(np.asarray(DEFAULT_LOG_SLOPE if slopes is None else slopes, dtype=float),
                            h.shape)
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    jobs = []
    for i in range(0, chosen.size, BATCH):
        idx = chosen[i: i + BATCH]
        mix = np.concatenate([p[starts[k]: starts[k] + lengths[k]] for k in idx])
        jobs.append((mix, lengths[idx], rows[idx], h[idx], slope[idx], false_alarm, odds_ratio, scaling))
    parts = run_batches(_refine_batch, jobs, n_jobs)
    h[chosen] = np.concatenate(parts)
    return h


def run_batches(func, jobs, n_jobs: int = 1) -> list:
    """``[func(job) for job in jobs]``, over ``n_jobs`` processes when there is more than one job.

    Jobs are expected in increasing order of cost (horizon); the pool gets them largest first so that
    the workers finish together, and the results come back in the original order.
    """
    if n_jobs and n_jobs > 1 and len(jobs) > 1:
        with ProcessPoolExecutor(max_workers=n_jobs) as pool:
            return list(pool.map(func, jobs[::-1]))[::-1]
    return [func(j) for j in jobs]


def default_selection(risk, lengths, horizon_rows=None) -> np.ndarray:
    """Series the cached surface serves least well: short horizons or under one expected event."""
    lengths = np.asarray(lengths, dtype=np.int64)
    rows = lengths if horizon_rows is None else np.round(np.asarray(horizon_rows, dtype=float)).astype(np.int64)
    p = np.asarray(risk, dtype=float)
    nonempty = lengths > 0
    sp = np.zeros(lengths.size)
    if p.size:
        starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
        sp[nonempty] = np.add.reduceat(p, starts[nonempty])
    expected = np.where(nonempty, rows * sp / np.maximum(lengths, 1), 0.0)
    return nonempty & ((rows < REFINE_MAX_ROWS) | (expected < REFINE_MAX_EXPECTED))

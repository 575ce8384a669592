"""Thresholds and p-values for thousands of series from one cached false-alarm surface.

Why it works. In control, a Bernoulli RA-CUSUM with odds ratio ``R`` moves up by
``log(R / (1 - p + R p))`` at an event and down by ``log(1 - p + R p)`` otherwise. Measured in
*expected events* ``E = sum p`` rather than in patients, events arrive at rate one, and what is left of
the patient mix is mainly the drift per expected event, ``D = sum log(1 - p + R p) / sum p``. So each
series is summarised by two numbers: ``E`` over the horizon (volume times mean risk) and its
*effective risk* ``q``, the constant risk with the same drift, ``log(1 - q + R q) / q = D``. For
series of 400 patients or more and at least one expected event, a series and a constant-risk chart
with the same ``(E, q)`` have thresholds within 1.5% (mean 0.5%; ``bench/cusum_thresholds.py``
against the Markov chain on each series' own mix). Shorter series, whose thresholds also depend on
the spread of their jump sizes, can be 4-13% low from the surface alone: :func:`surveillance_thresholds`
re-solves them on their own mix (:mod:`._refine`).

The surface ``log P0(max_{t <= n} S_t >= h)`` is computed once per odds ratio on a grid of ``q``,
``h`` and ``E`` (Markov chain, paired rounding; see :mod:`._markov`) and saved as a small ``.npz`` under
the cache directory. Thresholds (``h`` where the surface crosses ``log alpha``) and p-values (the
surface at the observed maximum) are then interpolations, vectorised over series. p-values far in the
tail of short or high-risk series are not served by the surface (it can be wrong by hundreds of orders
of magnitude there): ``ThresholdCurve.p_values`` computes those on each series' own mix when given the
risks (:func:`p_value_selection`).

Below ``q = Q_FLOOR`` the chart is in its small-risk limit (a compound Poisson process in ``E``) and the
``Q_FLOOR`` row is used; the threshold changes by under 0.5% between q = 0.002 and 0.01 (measured).
"""

from __future__ import annotations

import hashlib
import os
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

from caresignal.domain.errors import OptionError
from caresignal.stats.cusum import _markov
from caresignal.stats.cusum._estimators import check_is_fitted
from caresignal.stats.cusum._pvalue import batch_p_values, ville_bound
from caresignal.stats.cusum._refine import (REFINE_MAX_ROWS, default_selection,
                                            refine_thresholds)
from caresignal.stats.cusum._weights import check_ratio

CURVE_VERSION = 1
#: Grid points per unit for the surface: coarser than vlad's 600 to build in seconds; the paired
#: rounding keeps its bias well under the 2% budget (bench/cusum_thresholds.py measures it).
CURVE_SCALING = 200
Q_FLOOR = 0.01
Q_MAX = 0.8
Q_GRID = np.geomspace(Q_FLOOR, Q_MAX, 14)
H_GRID = np.round(np.concatenate([np.arange(0.05, 1.0, 0.05), np.arange(1.0, 3.0, 0.1),
                                  np.arange(3.0, 16.01, 0.5)]), 10)
E_GRID = np.geomspace(0.02, 3000.0, 90)
#: Probabilities below this are stored as this (log scale), far below any p-value that matters.
P_FLOOR = 1e-300
#: Rows of the h grid propagated together (each block sized to its largest h).
_H_BLOCK = 16
#: Default false-alarm probability per series over 12 months. Bottle & Aylin (2011) measured the cost
#: of thresholds against one set for a 5% false-alarm rate; CareSignal then controls the national
#: false discovery rate over the p-values (Benjamini-Hochberg), so 5% per series is the screening level.
DEFAULT_FALSE_ALARM = 0.05
#: The surface's slope of log P in h is read between alpha and this multiple of it.
SLOPE_RATIO = 1.25
#: p-values from the surface alone are trusted up to this effective risk (for series of at least
#: ``REFINE_MAX_ROWS`` patients and ``P_CURVE_MIN_EXPECTED`` expected events): on 250 random long series
#: against the chain on their own mix (p above 1e-8), within 3% up to q 0.1, up to 32% off up to q 0.2
#: and 130% up to q 0.6, and far smaller than the truth in the extreme tail (docs/cusum.md, "p-values").
P_CURVE_Q_MAX = 0.1
#: ... and from this many expected events: below it a low-risk series' P(max S >= m) bends at each
#: multiple of one death's jump, which the surface's h grid smooths over. bench/cusum_thresholds.py's
#: long low-risk series: up to 7.6% off at 1.5 h with 1-10 expected events, 2.1% from 10.
P_CURVE_MIN_EXPECTED = 10.0


def default_cache_dir() -> Path:
    """``$CARESIGNAL_CACHE_DIR``, else ``~/.cache/caresignal``."""
    env = os.environ.get("CARESIGNAL_CACHE_DIR")
    return Path(env) if env else Path.home() / ".cache" / "caresignal"


def effective_risk(sum_risk, sum_log, odds_ratio: float) -> np.ndarray:
    """Constant risk ``q`` with the same drift per expected event: ``log(1 + (R-1) q) / q = D``.

    ``D = sum_log / sum_risk`` with ``sum_log = sum log(1 + (R - 1) p)``. The left side decreases in
    ``q`` for any ``R``, so a vectorised bisection (60 halvings) solves it to machine precision.
    """
    a = float(odds_ratio) - 1.0
    sr = np.asarray(sum_risk, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        d = np.where(sr > 0, np.asarray(sum_log, dtype=float) / sr, a)
    lo = np.full(d.shape, 1e-12)
    hi = np.ones(d.shape)
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        too_small = np.log1p(a * mid) / mid > d     # drift still larger than the target: q bigger
        lo = np.where(too_small, mid, lo)
        hi = np.where(too_small, hi, mid)
    return 0.5 * (lo + hi)


def mix_summary(risk, odds_ratio: float = 2.0):
    """``(mean risk, effective risk q)`` of a patient mix."""
    p = np.asarray(risk, dtype=float)
    q = effective_risk(p.sum(), np.log1p((odds_ratio - 1.0) * p).sum(), odds_ratio)
    return float(p.mean()), float(q)


def mix_summaries(risk, lengths, odds_ratio: float = 2.0):
    """Per series laid end to end: ``(n, sum of risks, effective risk)``, arrays (series,)."""
    p = np.asarray(risk, dtype=float)
    lengths = np.asarray(lengths, dtype=np.int64)
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    nonempty = lengths > 0
    sp = np.zeros(lengths.size)
    sl = np.zeros(lengths.size)
    if p.size:
        sp[nonempty] = np.add.reduceat(p, starts[nonempty])
        sl[nonempty] = np.add.reduceat(np.log1p((odds_ratio - 1.0) * p), starts[nonempty])
    return lengths, sp, effective_risk(sp, sl, odds_ratio)


def _surface_row(args):
    q, odds_ratio, scaling, h_grid, e_grid = args
    steps = _markov.bernoulli_steps([q], odds_ratio)
    rounded = _markov.paired_rounding(steps, scaling)
    n = np.maximum(1, np.round(e_grid / q)).astype(np.int64)
    n_unique, back = np.unique(n, return_inverse=True)
    out = np.empty((h_grid.size, n_unique.size))
    for i in range(0, h_grid.size, _H_BLOCK):
        hs = h_grid[i: i + _H_BLOCK]
        out[i: i + _H_BLOCK] = _markov._propagate(rounded, hs, n_unique, scaling, 0.0)
    return np.log(np.maximum(out[:, back], P_FLOOR)), n


class ThresholdCurve:
    """The cached false-alarm surface of the Bernoulli RA-CUSUM for one odds ratio.

    Parameters
    ----------
    odds_ratio : float
        2 for the Imperial College upper chart; 0.5 for its lower chart.
    cache_dir : path, optional
        Where the surface is saved and looked for (default :func:`default_cache_dir`).
    n_jobs : int
        Processes used to build the surface when it is not cached.
    scaling : int
        Markov grid points per unit.

    Attributes
    ----------
    log_p_ : array (q, h, E)
        ``log P0(max S >= h within E/q rows)`` for a constant-risk chart.
    q_grid_, h_grid_, e_grid_, rows_ : arrays
        Grids (``rows_[i, j] = round(E_j / q_i)``).
    from_cache_ : bool
    build_seconds_ : float
    path_ : Path
    """

    def __init__(self, odds_ratio: float = 2.0, cache_dir=None, n_jobs: int = 2,
                 scaling: int = CURVE_SCALING, q_grid=None, h_grid=None, e_grid=None):
        self.odds_ratio = odds_ratio
        self.cache_dir = cache_dir
        self.n_jobs = n_jobs
        self.scaling = scaling
        self.q_grid = q_grid
        self.h_grid = h_grid
        self.e_grid = e_grid

    def _grids(self):
        q = Q_GRID if self.q_grid is None else np.sort(np.asarray(self.q_grid, dtype=float))
        h = H_GRID if self.h_grid is None else np.sort(np.asarray(self.h_grid, dtype=float))
        e = E_GRID if self.e_grid is None else np.sort(np.asarray(self.e_grid, dtype=float))
        if q.size < 2 or h.size < 2 or e.size < 2 or q[0] <= 0 or q[-1] >= 1 or h[0] <= 0 or e[0] <= 0:
            raise OptionError("curve grids need at least two points each, risks in (0, 1), h and E > 0")
        return q, h, e

    def _file(self, grids) -> Path:
        base = Path(self.cache_dir) if self.cache_dir is not None else default_cache_dir()
        digest = hashlib.sha1(b"".join(np.ascontiguousarray(g).tobytes() for g in grids)).hexdigest()[:10]
        return base / f"cusum_curve_v{CURVE_VERSION}_or{self.odds_ratio:g}_s{self.scaling}_{digest}.npz"

    def fit(self) -> "ThresholdCurve":
        """Load the surface from the cache, or build and save it."""
        check_ratio("odds_ratio", self.odds_ratio)
        q_grid, h_grid, e_grid = self._grids()
        path = self._file((q_grid, h_grid, e_grid))
        self.path_ = path
        t0 = time.perf_counter()
        if path.is_file():
            with np.load(path) as z:
                if (int(z["version"]) == CURVE_VERSION and np.array_equal(z["h_grid"], h_grid)
                        and np.array_equal(z["q_grid"], q_grid) and np.array_equal(z["e_grid"], e_grid)):
                    self.q_grid_, self.h_grid_, self.e_grid_ = z["q_grid"], z["h_grid"], z["e_grid"]
                    self.rows_, self.log_p_ = z["rows"], z["log_p"]
                    self.from_cache_ = True
                    self.build_seconds_ = time.perf_counter() - t0
                    return self
        jobs = [(float(q), float(self.odds_ratio), self.scaling, h_grid, e_grid) for q in q_grid]
        if self.n_jobs and self.n_jobs > 1:
            with ProcessPoolExecutor(max_workers=self.n_jobs) as pool:
                # Smallest q needs the most rows: start those first so the two workers finish together.
                parts = list(pool.map(_surface_row, jobs))
        else:
            parts = [_surface_row(j) for j in jobs]
        self.q_grid_, self.h_grid_, self.e_grid_ = q_grid, h_grid, e_grid
        self.log_p_ = np.stack([lp for lp, _ in parts])
        self.rows_ = np.stack([n for _, n in parts])
        self.from_cache_ = False
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + f".{os.getpid()}.tmp.npz")
        np.savez_compressed(tmp, version=CURVE_VERSION, q_grid=self.q_grid_, h_grid=self.h_grid_,
                            e_grid=self.e_grid_, rows=self.rows_, log_p=self.log_p_,
                            odds_ratio=self.odds_ratio, scaling=self.scaling)
        os.replace(tmp, path)  # atomic: a reader never sees half a file
        self.build_seconds_ = time.perf_counter() - t0
        return self

    # --- lookups, vectorised over series ---------------------------------------------------------
    def _log_p_rows(self, expected, q):
        """``log P`` over the whole h grid for each series: array (series, h)."""
        check_is_fitted(self, "log_p_")
        e = np.atleast_1d(np.asarray(expected, dtype=float))
        q = np.clip(np.atleast_1d(np.asarray(q, dtype=float)), self.q_grid_[0], self.q_grid_[-1])
        e, q = np.broadcast_arrays(e, q)
        lq = np.log(self.q_grid_)
        x = np.log(q)
        i = np.clip(np.searchsorted(lq, x) - 1, 0, lq.size - 2)
        wq = ((x - lq[i]) / (lq[i + 1] - lq[i]))[:, None]
        return (1 - wq) * self._along_rows(i, e) + wq * self._along_rows(i + 1, e)

    def _along_rows(self, i, e):
        # Interpolate in log(rows) at the series' horizon rows n = E / q_i, for grid row i.
        n = np.maximum(e / self.q_grid_[i], 1.0)
        ln = np.log(self.rows_[i].astype(float))      # (series, E grid)
        x = np.log(n)
        j = np.clip((ln < x[:, None]).sum(axis=1) - 1, 0, ln.shape[1] - 2)
        lo, hi = ln[np.arange(e.size), j], ln[np.arange(e.size), j + 1]
        w = np.where(hi > lo, np.clip((x - lo) / np.where(hi > lo, hi - lo, 1.0), 0.0, 1.0), 0.0)
        a = self.log_p_[i, :, j]                        # (series, h)
        b = self.log_p_[i, :, j + 1]
        return (1 - w)[:, None] * a + w[:, None] * b

    def thresholds(self, expected, q, false_alarm: float = DEFAULT_FALSE_ALARM) -> np.ndarray:
        """``h`` giving ``false_alarm`` over a horizon with ``expected`` events, effective risk ``q``."""
        if not 0 < false_alarm < 1:
            raise OptionError(f"false_alarm must be between 0 and 1; got {false_alarm!r}")
        lp = self._log_p_rows(expected, q)
        target = np.log(false_alarm)
        h = self.h_grid_
        below = lp <= target
        j = np.where(below.any(axis=1), below.argmax(axis=1), h.size)
        out = np.full(lp.shape[0], np.inf)
        first = j == 0
        out[first] = h[0]
        mid = (j > 0) & (j < h.size)
        r = np.flatnonzero(mid)
        jj = j[mid]
        y0, y1 = lp[r, jj - 1], lp[r, jj]
        t = np.where(y0 > y1, (y0 - target) / np.where(y0 > y1, y0 - y1, 1.0), 1.0)
        out[r] = h[jj - 1] + t * (h[jj] - h[jj - 1])
        return out

    def false_alarm(self, threshold, expected, q) -> np.ndarray:
        """``P0(max S >= h)`` over the horizon, per series (``threshold`` may differ per series)."""
        lp = self._log_p_rows(expected, q)
        hq = np.broadcast_to(np.asarray(threshold, dtype=float), (lp.shape[0],))
        return np.exp(self._at_h(lp, hq))

    def p_values(self, observed_max, expected, q, *, risk=None, lengths=None, exact=None,
                 n_jobs: int = 1) -> np.ndarray:
        """Marshall et al. (2004) p-values ``P0(max S >= observed maximum)`` per series.

        Parameters
        ----------
        observed_max : array (series,)
            Each chart's largest value without reset.
        expected, q : arrays (series,)
            Expected events over the series and its effective risk (:func:`mix_summaries`).
        risk, lengths : arrays, optional
            The series' own risks laid end to end and patients per series. When given, the series
            the surface does not serve (``exact``) are computed by the Markov chain on their own mix
            (:func:`caresignal.stats.cusum.batch_p_values`), and every p-value is capped by the
            rigorous :func:`caresignal.stats.cusum.ville_bound`.
        exact : bool array (series,), optional
            Series to compute on their own mix; default :func:`p_value_selection` (short series, under
            ``P_CURVE_MIN_EXPECTED`` expected events, or effective risk above ``P_CURVE_Q_MAX``).
        n_jobs : int
            Processes for the exact series.

        Notes
        -----
        From the surface alone (no ``risk``) the p-value is reliable only inside the region of
        :func:`p_value_selection`'s complement: measured against the chain on each series' own mix
        (scaling 600), within 3% (log ratio 0.028) for series of 400 or more patients with 10 or more
        expected events, effective risk up to 0.1 and p above 1e-8. Outside it the surface can be wrong by hundreds of orders
        of magnitude: for short series of high risk the constant-risk chart cannot climb as high as a
        mixed series in the same number of patients, and where the surface's next ``q`` row is
        already at its ``P_FLOOR`` the interpolation in ``q`` underflows (p ~ 1e-177 for a series whose
        exact p-value is 0.03).
        """
        m = np.asarray(observed_max, dtype=float)
        p = self.false_alarm(np.maximum(m, self.h_grid_[0]), expected, q)
        p = np.where(m <= 0, 1.0, p)
        if risk is None or lengths is None:
            return p
        lengths = np.asarray(lengths, dtype=np.int64)
        p = np.minimum(p, ville_bound(m, lengths))
        select = p_value_selection(lengths, expected, q) if exact is None else np.asarray(exact, dtype=bool)
        own = batch_p_values(m, risk, lengths, odds_ratio=self.odds_ratio, select=select, n_jobs=n_jobs)
        return np.where(np.isnan(own), p, own)

    def _at_h(self, lp, hq):
        h = self.h_grid_
        j = np.clip(np.searchsorted(h, hq) - 1, 0, h.size - 2)
        r = np.arange(lp.shape[0])
        slope = (lp[r, j + 1] - lp[r, j]) / (h[j + 1] - h[j])
        # Beyond the grid the tail is log-linear in h (P ~ C exp(-theta h)); extend the last slope.
        return np.minimum(lp[r, j] + slope * (hq - h[j]), 0.0)


def p_value_selection(lengths, expected, q) -> np.ndarray:
    """Series whose p-value the surface does not serve: under ``REFINE_MAX_ROWS`` patients, under
    ``P_CURVE_MIN_EXPECTED`` expected events, or effective risk above ``P_CURVE_Q_MAX``."""
    lengths = np.asarray(lengths)
    return ((lengths < REFINE_MAX_ROWS) | (np.asarray(expected, dtype=float) < P_CURVE_MIN_EXPECTED)
            | (np.asarray(q, dtype=float) > P_CURVE_Q_MAX))


def surveillance_thresholds(risk, lengths, *, horizon_rows=None, false_alarm: float = DEFAULT_FALSE_ALARM,
                            odds_ratio: float = 2.0, curve: ThresholdCurve | None = None,
                            refine: bool = True, select=None, n_jobs: int = 1):
    """Default surveillance thresholds for many Bernoulli RA-CUSUM series (Bottle & Aylin 2011).

    Parameters
    ----------
    risk : array
        Risks of the reference (phase-I) patients of every series, series laid end to end.
    lengths : array of int
        Reference patients per series.
    horizon_rows : array of int, optional
        Patients per series over the horizon (12 months' volume); default ``lengths``.
    false_alarm : float
        Probability of a false signal per series within the horizon.
    refine : bool
        Re-solve, on their own patient mix, the series the ``(E, q)`` summary serves least well
        (horizons under ``REFINE_MAX_ROWS`` patients or under ``REFINE_MAX_EXPECTED`` expected events;
        :func:`caresignal.stats.cusum.refine_thresholds`), starting from the cached thresholds.
        Measured by ``bench/cusum_thresholds.py``: largest error 3.8% without, 1.0% with.
    select : bool array (series,), optional
        Re-solve only these among the series above (e.g. the engine's series whose chart comes near
        the threshold; the others keep the surface's value).
    n_jobs : int
        Processes for the refinement.

    Returns
    -------
    thresholds : array (series,)
    """
    n, sp, q = mix_summaries(risk, lengths, odds_ratio)
    rows = n if horizon_rows is None else np.asarray(horizon_rows, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean_risk = np.where(n > 0, sp / np.maximum(n, 1), 0.0)
    expected = rows * mean_risk
    curve = curve if curve is not None else ThresholdCurve(odds_ratio).fit()
    h = curve.thresholds(expected, q, false_alarm)
    if refine:
        # Local slope of log P in h on the surface, for the re-solve's first Newton step.
        h_more = curve.thresholds(expected, q, min(false_alarm * SLOPE_RATIO, 0.999))
        with np.errstate(divide="ignore", invalid="ignore"):
            slopes = np.log(min(false_alarm * SLOPE_RATIO, 0.999) / false_alarm) / (h_more - h)
        chosen = default_selection(risk, lengths, rows)
        if select is not None:
            chosen &= np.asarray(select, dtype=bool)
        h = refine_thresholds(risk, lengths, h, horizon_rows=rows, false_alarm=false_alarm,
                              odds_ratio=odds_ratio, select=chosen, slopes=slopes, n_jobs=n_jobs)
    return h

"""The sequential CUSUM recursion with a reset rule, for one series or many at once.

``S_0 = start``, ``S_t = max(0, S_{t-1} + W_t)``; the chart signals at the row where ``S_t >= h``.
After a signal the next row starts from:

- ``none``: ``S_t`` itself (the chart carries on; a further signal is counted only when it has
  dropped below ``h`` and reaches it again),
- ``zero``: 0 (Steiner et al. 2000; the cusum package's ``reset = TRUE``),
- ``halve``: ``h / 2``, half the threshold, a head start so that a persisting problem signals again
  soon (the Imperial College mortality alerts; Bottle & Aylin 2008, doi:10.1111/j.1475-6773.2007.00742.x;
  Lucas & Crosier 1982 for the head-start idea).

A reset makes the path depend on where the previous signal fell, so the closed form
``S_t = C_t - min(0, min_j C_j)`` (cumulative sums) does not apply; the recursion runs row by row.
:func:`cusum_batch` runs it for thousands of series together, one numpy step per row position,
so the cost is about ``max(length)`` small vector operations plus one pass over all rows.
"""

from __future__ import annotations

import numpy as np

from caresignal.stats._base import check_choice

RESETS = ("none", "zero", "halve")


def _restart(reset: str, value: float, threshold: float) -> float:
    if reset == "zero":
        return 0.0
    if reset == "halve":
        return threshold / 2.0
    return value


def cusum_path(weights, threshold: float, reset: str = "zero", start: float = 0.0):
    """Run one CUSUM; return ``(values, signal_rows)``.

    ``values[t]`` is ``S_t`` as computed at row ``t`` (at a signal row, the value that reached ``h``,
    before any reset); ``signal_rows`` are 0-based indices of the rows where ``S_t >= h`` first holds.
    ``threshold`` may be ``inf`` (no signals).
    """
    check_choice("reset", reset, RESETS)
    w = np.asarray(weights, dtype=float)
    h = float(threshold)
    values = np.empty(w.size)
    signals: list[int] = []
    s = float(start)
    above = False
    for t, wt in enumerate(w.tolist()):
        s = s + wt
        if s < 0.0:
            s = 0.0
        values[t] = s
        if s >= h:
            if reset == "none":
                if not above:
                    signals.append(t)
                above = True
                continue
            signals.append(t)
            s = _restart(reset, s, h)
        else:
            above = False
    return values, np.asarray(signals, dtype=np.int64)


def cusum_batch(weights, lengths, thresholds, reset: str = "zero", start: float | np.ndarray = 0.0):
    """Run many CUSUMs at once on series laid end to end.

    Parameters
    ----------
    weights : array (total rows,)
        Scores of all series, each series contiguous and in time order.
    lengths : array of int (series,)
        Rows per series, in the order they appear in ``weights``.
    thresholds : float or array (series,)
        ``h`` per series (``inf`` for none).
    reset : {"none", "zero", "halve"}
    start : float or array (series,)
        Value before the first row.

    Returns
    -------
    values : array (total rows,)
        ``S_t`` for every row, as :func:`cusum_path` gives it.
    signal : bool array (total rows,)
        True on the rows where a signal fell.
    """
    check_choice("reset", reset, RESETS)
    w = np.asarray(weights, dtype=float)
    lengths = np.asarray(lengths, dtype=np.int64)
    if lengths.sum() != w.size:
        raise ValueError(f"lengths add up to {int(lengths.sum())} but there are {w.size} weights")
    n_series = lengths.size
    h = np.broadcast_to(np.asarray(thresholds, dtype=float), (n_series,))
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64)
    # Longest series first, so the series still running at position t are always a prefix.
    order = np.argsort(-lengths, kind="stable")
    len_sorted = lengths[order]
    start_sorted = starts[order]
    h_sorted = h[order]
    s = np.broadcast_to(np.asarray(start, dtype=float), (n_series,))[order].copy()
    above = np.zeros(n_series, dtype=bool)
    values = np.empty(w.size)
    signal = np.zeros(w.size, dtype=bool)
    active = n_series
    restart = h_sorted / 2.0 if reset == "halve" else None
    for t in range(int(len_sorted[0]) if n_series else 0):
        while active and len_sorted[active - 1] <= t:
            active -= 1
        idx = start_sorted[:active] + t
        st = s[:active]
        st += w[idx]
        np.maximum(st, 0.0, out=st)
        values[idx] = st
        hit = st >= h_sorted[:active]
        if reset == "none":
            ab = above[:active]
            signal[idx] = hit & ~ab
            ab[:] = hit
        elif hit.any():
            signal[idx] = hit
            if reset == "zero":
                st[hit] = 0.0
            else:
                st[hit] = restart[:active][hit]
    return values, signal

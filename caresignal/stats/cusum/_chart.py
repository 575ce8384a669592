"""Charts: risk-adjusted Bernoulli CUSUM, the Imperial College variant, VLAD, Poisson and z-score CUSUMs.

Each function takes plain arrays and returns a frozen :class:`CusumResult`. Signal rows are 1-based
(row 1 is the first row charted), as the command line prints them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from caresignal.domain.errors import OptionError
from caresignal.stats._base import Result, check_array, check_choice, check_same_length
from caresignal.stats.cusum._path import RESETS, cusum_path
from caresignal.stats.cusum._weights import (ZSCORE_REFERENCE_K, bernoulli_weights, check_ratio,
                                             poisson_weights, vlad_increments, zscore_weights, zscores)

METHODS = ("bernoulli", "vlad", "poisson", "zscore")
DIRECTIONS = ("up", "down", "both")
#: The Imperial College mortality alerts: odds ratio 2, halved after a signal (Bottle & Aylin 2008).
IMPERIAL_ODDS_RATIO = 2.0
IMPERIAL_RESET = "halve"


@dataclass(frozen=True)
class CusumResult(Result):
    """A charted series and its evidence.

    Attributes
    ----------
    method : str
        ``bernoulli``, ``vlad``, ``poisson`` or ``zscore``.
    threshold : float
        ``h`` of the upper chart (also used for the lower chart unless ``lower_threshold`` differs).
    values : array
        Upper chart ``S_t`` (for ``vlad``: the VLAD curve ``sum(E - O)``).
    signals : tuple of int
        1-based rows where the upper chart reached ``h``.
    lower_values : array
        Lower chart drawn below zero (``-S_t`` of the chart for the inverse ratio); empty if not run.
    lower_signals : tuple of int
        1-based rows where the lower chart reached ``-h``.
    """

    method: str
    threshold: float
    values: np.ndarray
    signals: tuple
    lower_values: np.ndarray
    lower_signals: tuple
    lower_threshold: float | None
    direction: str
    reset: str
    ratio: float | None
    n: int
    warnings: tuple = field(default=())

    def contract(self) -> dict:
        """The five keys the ``caresignal stats cusum`` command prints."""
        d = self.to_dict()
        return {k: d[k] for k in ("threshold", "values", "signals", "lower_values", "lower_signals")}

    def summary(self) -> str:
        first = self.signals[0] if self.signals else None
        text = (f"{self.method} CUSUM, n={self.n}, h={self.threshold:.4g}, reset={self.reset}: "
                f"{len(self.signals)} upper signal(s)")
        if first is not None:
            text += f", first at row {first}"
        if self.direction != "up":
            text += f"; {len(self.lower_signals)} lower signal(s)"
        return text


def _check_threshold(threshold) -> float:
    h = float(threshold)
    if not h > 0 or np.isnan(h):
        raise OptionError(f"threshold must be a positive number; got {threshold!r}")
    return h


def _two_charts(method, up_w, down_w, threshold, lower_threshold, direction, reset, ratio, n,
                values_override=None):
    check_choice("direction", direction, DIRECTIONS)
    check_choice("reset", reset, RESETS)
    h = _check_threshold(threshold)
    h_low = h if lower_threshold is None else _check_threshold(lower_threshold)
    values = np.zeros(n)
    signals: tuple = ()
    lower_values = np.zeros(0)
    lower_signals: tuple = ()
    if direction in ("up", "both"):
        values, sig = cusum_path(up_w, h, reset)
        signals = tuple(int(i) + 1 for i in sig)
    if direction in ("down", "both"):
        low, sig = cusum_path(down_w, h_low, reset)
        lower_values = -low
        lower_signals = tuple(int(i) + 1 for i in sig)
    if values_override is not None:
        values = values_override
    return CusumResult(method=method, threshold=h, values=values, signals=signals,
                       lower_values=lower_values, lower_signals=lower_signals,
                       lower_threshold=h_low if direction != "up" else None, direction=direction,
                       reset=reset, ratio=ratio, n=n)


def _binary(name, y):
    y = check_array(name, y)
    if not np.isin(y, (0.0, 1.0)).all():
        bad = int(np.flatnonzero(~np.isin(y, (0.0, 1.0)))[0])
        raise OptionError(f"{name} must be 0 or 1; position {bad + 1} is {y[bad]!r}")
    return y


def _risk(name, p):
    p = check_array(name, p)
    if ((p < 0) | (p > 1)).any():
        bad = int(np.flatnonzero((p < 0) | (p > 1))[0])
        raise OptionError(f"{name} must be a probability between 0 and 1; position {bad + 1} is {p[bad]!r}")
    return p


def bernoulli_cusum(outcome, risk, threshold, odds_ratio: float = 2.0, direction: str = "up",
                    reset: str = "zero", lower_threshold: float | None = None) -> CusumResult:
    """Risk-adjusted Bernoulli CUSUM (Steiner et al. 2000).

    ``S_t = max(0, S_{t-1} + W_t)`` with ``W_t = y_t log R - log(1 - p_t + R p_t)``; the upper chart
    uses ``R = odds_ratio`` (deterioration), the lower chart ``1 / odds_ratio`` (improvement), drawn
    below zero. A signal is the row where ``S_t >= h``.
    """
    y = _binary("outcome", outcome)
    p = _risk("risk", risk)
    check_same_length(outcome=y, risk=p)
    r = check_ratio("odds_ratio", odds_ratio)
    return _two_charts("bernoulli", bernoulli_weights(y, p, r), bernoulli_weights(y, p, 1.0 / r),
                       threshold, lower_threshold, direction, reset, r, y.size)


def imperial_cusum(outcome, risk, threshold) -> CusumResult:
    """The Imperial College mortality-alert chart: patients in discharge order, odds ratio 2,
    upper chart only, restarted at half the threshold after each signal (Bottle & Aylin 2008)."""
    return bernoulli_cusum(outcome, risk, threshold, IMPERIAL_ODDS_RATIO, "up", IMPERIAL_RESET)


def vlad_chart(outcome, risk, threshold=np.inf, odds_ratio: float = 2.0, direction: str = "up",
               reset: str = "zero", lower_threshold: float | None = None) -> CusumResult:
    """Variable life-adjusted display: ``V_t = sum_{i <= t} (p_i - y_i)``, "statistical lives saved"
    (Lovegrove et al. 1997). A VLAD has no threshold of its own; signals are those of the RA-CUSUMs
    on the same rows (Wittenberg, Gan & Knoth 2018 show a V-mask on the VLAD equivalent to them)."""
    y = _binary("outcome", outcome)
    p = _risk("risk", risk)
    check_same_length(outcome=y, risk=p)
    r = check_ratio("odds_ratio", odds_ratio)
    curve = np.cumsum(vlad_increments(y, p))
    h = float(threshold) if np.isfinite(threshold) else np.inf
    if np.isinf(h):
        return CusumResult("vlad", h, curve, (), np.zeros(0), (), None, direction, reset, r, y.size)
    res = _two_charts("vlad", bernoulli_weights(y, p, r), bernoulli_weights(y, p, 1.0 / r), h,
                      lower_threshold, direction, reset, r, y.size, values_override=curve)
    # A VLAD has one curve: the lower chart's signals are kept, its values are not shown.
    return CusumResult(res.method, res.threshold, curve, res.signals, np.zeros(0), res.lower_signals,
                       res.lower_threshold, direction, reset, r, y.size)


def poisson_cusum(observed, expected, threshold, rate_ratio: float = 2.0, direction: str = "up",
                  reset: str = "zero", lower_threshold: float | None = None) -> CusumResult:
    """Per-period Poisson CUSUM of observed against expected counts: ``W_t = O_t log R - (R - 1) E_t``
    (upper: ``R = rate_ratio``; lower: ``1 / rate_ratio``)."""
    o = check_array("observed", observed, nonnegative=True)
    e = check_array("expected", expected, nonnegative=True)
    check_same_length(observed=o, expected=e)
    r = check_ratio("rate_ratio", rate_ratio)
    return _two_charts("poisson", poisson_weights(o, e, r), poisson_weights(o, e, 1.0 / r), threshold,
                       lower_threshold, direction, reset, r, o.size)


def zscore_cusum(observed, expected, threshold, *, binary: bool = False, k: float = ZSCORE_REFERENCE_K,
                 direction: str = "up", reset: str = "zero", lower_threshold: float | None = None
                 ) -> CusumResult:
    """Tabular CUSUM of standardised residuals ``z_t``: ``S_t = max(0, S_{t-1} + z_t - k)`` (upper) and
    ``max(0, S_{t-1} - z_t - k)`` (lower), with ``z = (O - E)/sqrt(E)`` per period or
    ``(y - p)/sqrt(p (1 - p))`` per patient (``binary=True``)."""
    o = check_array("observed", observed, nonnegative=True)
    e = check_array("expected", expected, nonnegative=True)
    check_same_length(observed=o, expected=e)
    if binary:
        _binary("observed", o)
        _risk("expected", e)
    z = zscores(o, e, binary=binary)
    return _two_charts("zscore", zscore_weights(z, k, upper=True), zscore_weights(z, k, upper=False),
                       threshold, lower_threshold, direction, reset, None, o.size)


def chart_maximum(weights) -> float:
    """Largest value of ``S_t = max(0, S_{t-1} + W_t)`` over the series, without resets.

    Uses the closed form ``S_t = C_t - min(0, min_{j <= t} C_j)`` (``C`` the cumulative sum), valid
    because nothing restarts the chart; this is the observed statistic of :func:`cusum_p_value`.
    """
    c = np.cumsum(np.asarray(weights, dtype=float))
    if c.size == 0:
        return 0.0
    return float(max(0.0, np.max(c - np.minimum(0.0, np.minimum.accumulate(c)))))

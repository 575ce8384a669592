"""Per-row scores of the CUSUM family: log-likelihood-ratio weights, VLAD increments, z-scores.

Every chart in this package is ``S_t = max(0, S_{t-1} + W_t)`` on some score ``W_t``; the methods differ
only in the score. Upper and lower charts are both written this way: the lower (improvement) chart is
the same recursion on the weights for the inverse odds ratio, displayed below zero (Steiner et al. 2000).

References
----------
Steiner SH, Cook RJ, Farewell VT, Treasure T (2000). Monitoring surgical performance using
risk-adjusted cumulative sum charts. Biostatistics 1(4):441-452. doi:10.1093/biostatistics/1.4.441
Lovegrove J, Valencia O, Treasure T, Sherlaw-Johnson C, Gallivan S (1997). Monitoring the results of
cardiac surgery by variable life-adjusted display. Lancet 350:1128-1130.
doi:10.1016/S0140-6736(97)06507-0
"""

from __future__ import annotations

import numpy as np

from caresignal.domain.errors import OptionError

#: Reference value k of the z-score CUSUM: half a standard deviation, the classical choice for
#: detecting a one-standard-deviation shift (Page 1954; Montgomery, Introduction to SPC, ch. 9).
ZSCORE_REFERENCE_K = 0.5


def check_ratio(name: str, ratio: float) -> float:
    ratio = float(ratio)
    if not np.isfinite(ratio) or ratio <= 0 or ratio == 1:
        raise OptionError(f"{name} must be a positive number other than 1; got {ratio!r}")
    return ratio


def bernoulli_weights(outcome: np.ndarray, risk: np.ndarray, odds_ratio: float = 2.0) -> np.ndarray:
    """Log-likelihood-ratio weights of the risk-adjusted Bernoulli CUSUM.

    For a patient with predicted risk ``p`` and outcome ``y`` (1 = event), testing odds ratio ``R``
    against 1 (Steiner et al. 2000, eq. 2.1):

    .. math:: W = y \\log R - \\log(1 - p + R p)

    so a death adds ``log(R / (1 - p + R p))`` and a survivor ``-log(1 - p + R p)``.
    ``R > 1`` looks for deterioration, ``R < 1`` for improvement.
    """
    odds_ratio = check_ratio("odds_ratio", odds_ratio)
    y = np.asarray(outcome, dtype=float)
    p = np.asarray(risk, dtype=float)
    return y * np.log(odds_ratio) - np.log1p((odds_ratio - 1.0) * p)


def poisson_weights(observed: np.ndarray, expected: np.ndarray, rate_ratio: float = 2.0) -> np.ndarray:
    """Log-likelihood-ratio weights of the Poisson CUSUM for a period's observed vs expected count.

    With ``O ~ Poisson(E)`` in control and ``Poisson(R E)`` out of control:

    .. math:: W = O \\log R - (R - 1) E

    (Lucas 1985; the observed/expected form used for hospital counts by Rossi et al. 1999).
    """
    rate_ratio = check_ratio("rate_ratio", rate_ratio)
    o = np.asarray(observed, dtype=float)
    e = np.asarray(expected, dtype=float)
    return o * np.log(rate_ratio) - (rate_ratio - 1.0) * e


def zscores(observed: np.ndarray, expected: np.ndarray, *, binary: bool) -> np.ndarray:
    """Standardised residuals: ``(y - p)/sqrt(p(1-p))`` for rows, ``(O - E)/sqrt(E)`` for counts."""
    o = np.asarray(observed, dtype=float)
    e = np.asarray(expected, dtype=float)
    var = e * (1.0 - e) if binary else e
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(var > 0, (o - e) / np.sqrt(np.where(var > 0, var, 1.0)), 0.0)
    return z


def zscore_weights(z: np.ndarray, k: float = ZSCORE_REFERENCE_K, *, upper: bool = True) -> np.ndarray:
    """Scores of the z-score CUSUM: ``z - k`` (upper) or ``-z - k`` (lower)."""
    z = np.asarray(z, dtype=float)
    return (z if upper else -z) - float(k)


def vlad_increments(outcome: np.ndarray, expected: np.ndarray) -> np.ndarray:
    """VLAD steps ``E - O`` ("statistical lives saved"; Lovegrove et al. 1997)."""
    return np.asarray(expected, dtype=float) - np.asarray(outcome, dtype=float)

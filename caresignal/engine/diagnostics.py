"""Model diagnostics computed from aggregates: c-statistic and calibration by decile of risk.

Both work on weighted points ``(p_i, d_i, n_i)``: a predicted risk shared by ``n_i`` spells of which
``d_i`` had the event (a covariate pattern, or one spell with ``n_i = 1``).

c-statistic (area under the ROC curve, Hanley & McNeil 1982) with ties counted as one half:

.. math::

    c = \\frac{\\sum_i m_i \\left(D_{>p_i} + \\tfrac12 D_{=p_i}\\right)}{D\\,M},

where :math:`m_i = n_i - d_i` are non-events, :math:`D_{>p}` the events with a larger predicted risk,
:math:`D_{=p}` those with the same, :math:`D` and :math:`M` the totals.

Calibration by decile: spells are ranked by predicted risk and cut into ten groups of equal size
(a pattern goes whole into the decile where its middle spell falls), and each decile's observed events
are set beside the expected :math:`\\sum n_i p_i` (Hosmer & Lemeshow 2000, section 5.2.2).

References
----------
Hanley JA, McNeil BJ (1982). The meaning and use of the area under a receiver operating characteristic
(ROC) curve. Radiology 143:29-36. doi:10.1148/radiology.143.1.7063747
Hosmer DW, Lemeshow S (2000). Applied Logistic Regression, 2nd ed. Wiley. doi:10.1002/0471722146
"""

from __future__ import annotations

import numpy as np
import pandas as pd

N_DECILES = 10


def c_statistic(p: np.ndarray, d: np.ndarray, n: np.ndarray) -> float:
    """Area under the ROC curve of risk ``p`` for ``d`` events out of ``n`` at each point (ties = 1/2)."""
    p = np.asarray(p, dtype=float)
    d = np.asarray(d, dtype=float)
    m = np.asarray(n, dtype=float) - d
    total_d, total_m = d.sum(), m.sum()
    if total_d <= 0 or total_m <= 0:
        return float("nan")
    uniq, inv = np.unique(p, return_inverse=True)
    du = np.bincount(inv, weights=d, minlength=uniq.size)
    mu = np.bincount(inv, weights=m, minlength=uniq.size)
    d_above = total_d - np.cumsum(du)  # events with strictly larger risk than each unique value
    return float((mu * (d_above + 0.5 * du)).sum() / (total_d * total_m))


def calibration_by_decile(p: np.ndarray, d: np.ndarray, n: np.ndarray) -> pd.DataFrame:
    """Observed and expected events in ten groups of equal size by predicted risk."""
    p = np.asarray(p, dtype=float)
    d = np.asarray(d, dtype=float)
    n = np.asarray(n, dtype=float)
    cols = ["decile", "n", "observed", "expected", "mean_risk"]
    if n.sum() <= 0:
        return pd.DataFrame(columns=cols)
    order = np.argsort(p, kind="stable")
    cum = np.cumsum(n[order])
    middle = (cum - n[order] / 2) / cum[-1]
    decile = np.minimum((middle * N_DECILES).astype(int), N_DECILES - 1)
    dec = np.empty_like(decile)
    dec[order] = decile
    nn = np.bincount(dec, weights=n, minlength=N_DECILES)
    obs = np.bincount(dec, weights=d, minlength=N_DECILES)
    exp = np.bincount(dec, weights=n * p, minlength=N_DECILES)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_risk = np.where(nn > 0, exp / nn, np.nan)
    return pd.DataFrame({"decile": np.arange(1, N_DECILES + 1), "n": nn, "observed": obs, "expected": exp,
                         "mean_risk": mean_risk})


def hosmer_lemeshow(calibration: pd.DataFrame) -> float:
    """Hosmer-Lemeshow statistic over the deciles: :math:`\\sum (O-E)^2 / (E(1-E/n))`."""
    c = calibration[calibration["n"] > 0]
    e = c["expected"].to_numpy()
    o = c["observed"].to_numpy()
    nn = c["n"].to_numpy()
    var = e * (1 - e / nn)
    ok = var > 0
    return float((((o - e) ** 2)[ok] / var[ok]).sum())

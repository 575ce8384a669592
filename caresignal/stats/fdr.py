"""False discovery rate control across many tests: Benjamini-Hochberg step-up.

Used for CUSUM p-values across every trust x diagnosis group in the country (Marshall et al. 2004):
flag the series whose p-value is at most the largest ``p_(i)`` with ``p_(i) <= i q / m``.

References
----------
Benjamini Y, Hochberg Y (1995). Controlling the false discovery rate: a practical and powerful
approach to multiple testing. JRSS B 57(1):289-300. doi:10.1111/j.2517-6161.1995.tb02031.x
Marshall C, Best N, Bottle A, Aylin P (2004). Statistical issues in the prospective monitoring of
health outcomes across multiple units. JRSS A 167(3):541-559. doi:10.1111/j.1467-985X.2004.apm10.x
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from caresignal.domain.errors import OptionError
from caresignal.stats._base import Result, check_array


@dataclass(frozen=True)
class FdrResult(Result):
    """Which tests are discoveries at FDR ``q``, with BH-adjusted p-values (q-values)."""

    q: float
    rejected: np.ndarray
    adjusted: np.ndarray
    cutoff: float
    n_tests: int
    n_rejected: int

    def summary(self) -> str:
        return (f"Benjamini-Hochberg at FDR {self.q:g}: {self.n_rejected} of {self.n_tests} flagged "
                f"(p <= {self.cutoff:.3g})")


def benjamini_hochberg(p_values, q: float = 0.05) -> FdrResult:
    """Benjamini-Hochberg step-up procedure.

    With ``m`` p-values sorted ``p_(1) <= ... <= p_(m)``, let ``k`` be the largest ``i`` with
    ``p_(i) <= i q / m``; reject the ``k`` smallest. The adjusted p-value of ``p_(i)`` is
    ``min_{j >= i} min(1, m p_(j) / j)`` (as R's ``p.adjust(method = "BH")``), and a test is rejected
    exactly when its adjusted p-value is at most ``q``. Missing p-values (NaN) are not tests: they
    are never rejected and do not count in ``m``.
    """
    if not 0 < q < 1:
        raise OptionError(f"q (the false discovery rate) must be between 0 and 1; got {q!r}")
    p = check_array("p_values", p_values, allow_nan=True)
    if ((p < 0) | (p > 1)).any():
        raise OptionError("p_values must lie between 0 and 1")
    ok = ~np.isnan(p)
    m = int(ok.sum())
    adjusted = np.full(p.size, np.nan)
    rejected = np.zeros(p.size, dtype=bool)
    cutoff = 0.0
    if m:
        idx = np.flatnonzero(ok)
        order = np.argsort(p[idx], kind="stable")
        sorted_p = p[idx][order]
        ranks = np.arange(1, m + 1)
        scaled = np.minimum(1.0, sorted_p * m / ranks)
        adj_sorted = np.minimum.accumulate(scaled[::-1])[::-1]
        adjusted[idx[order]] = adj_sorted
        below = np.flatnonzero(sorted_p <= ranks * q / m)
        if below.size:
            k = below[-1] + 1
            cutoff = float(sorted_p[k - 1])
            rejected[idx[order[:k]]] = True
    return FdrResult(q=float(q), rejected=rejected, adjusted=adjusted, cutoff=cutoff, n_tests=m,
                     n_rejected=int(rejected.sum()))

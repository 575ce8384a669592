"""Preparing patient-level RA-CUSUM input: matured spells in discharge order with their risks.

The Imperial College mortality alerts (Bottle & Aylin 2008) run one Bernoulli CUSUM per trust and
diagnosis group over patients in discharge order, each weighted by a risk from a model fitted before the
monitored months. A spell enters only once its 30-day outcome is known, i.e. 30 days after discharge
(before that a death would be missed and the chart biased towards "as expected").

References
----------
Bottle A, Aylin P (2008). Intelligent information: a national system for monitoring clinical
performance. Health Services Research 43(1 Pt 1):10-31. doi:10.1111/j.1475-6773.2007.00742.x
Steiner SH, Cook RJ, Farewell VT, Treasure T (2000). Monitoring surgical performance using
risk-adjusted cumulative sum charts. Biostatistics 1(4):441-452. doi:10.1093/biostatistics/1.4.441
"""

from __future__ import annotations

from dataclasses import dataclass

import ibis.expr.types as ir
import numpy as np

from caresignal.engine.cohort import MATURITY_DAYS

SERIES_COLUMNS = ("org_code", "group")


def cusum_spells(t: ir.Table, first_month: int, last_month: int, cutoff_epoch_day: int) -> ir.Table:
    """Spells of the monitored months that have matured, in series then discharge order.

    ``t`` must carry ``org_code``, ``group``, ``month_index``, ``discharge_date``, ``spell_id``, ``died``
    and the risk ``p``. Ties on the discharge date are broken by spell id, so the order is the same on
    every backend.
    """
    t = t.filter((t.month_index >= first_month) & (t.month_index <= last_month))
    t = t.mutate(discharge_day=t.discharge_date.epoch_days().cast("int64"))
    t = t.filter(t.discharge_day + MATURITY_DAYS <= cutoff_epoch_day)
    t = t.select("org_code", "group", "month_index", "discharge_day", "spell_id", "died", "p")
    return t.order_by(["org_code", "group", "discharge_day", "spell_id"])


@dataclass(frozen=True)
class CusumSeries:
    """Spells of many CUSUM series laid end to end (series ``k`` is ``starts[k]:starts[k] + lengths[k]``)."""

    org_code: np.ndarray
    group: np.ndarray
    starts: np.ndarray
    lengths: np.ndarray
    month_index: np.ndarray
    discharge_day: np.ndarray
    died: np.ndarray
    risk: np.ndarray

    @property
    def n_series(self) -> int:
        return int(self.lengths.size)

    @classmethod
    def from_arrow(cls, table) -> "CusumSeries":
        """Split an ordered Arrow table from :func:`cusum_spells` into series."""
        org = np.asarray(table.column("org_code").to_numpy(zero_copy_only=False))
        group = table.column("group").to_numpy()
        n = len(group)
        if n == 0:
            empty = np.zeros(0, dtype=np.int64)
            return cls(np.array([], dtype=object), empty, empty, empty, empty, empty, empty,
                       np.zeros(0))
        change = np.ones(n, dtype=bool)
        change[1:] = (org[1:] != org[:-1]) | (group[1:] != group[:-1])
        starts = np.flatnonzero(change)
        lengths = np.diff(np.append(starts, n))
        return cls(org[starts], group[starts], starts, lengths, table.column("month_index").to_numpy(),
                   table.column("discharge_day").to_numpy(), table.column("died").to_numpy(),
                   table.column("p").to_numpy())

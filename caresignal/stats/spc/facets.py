"""Many series at once: a chart per group (facets), subgroup statistics, and the icon summary table.

The summary table is what a board report shows for many indicators or organisations: one row per
series with its latest value, limits, variation icon and assurance icon (the Making Data Count
"summary icons" table; NHSRplotthedots ``summary.ptd_spc_df``).
"""

from __future__ import annotations

import dataclasses
from typing import Any, Mapping, Sequence

import numpy as np

from caresignal.domain.errors import OptionError
from caresignal.stats._base import Result, jsonable
from caresignal.stats.spc.chart import SPCChart
from caresignal.stats.spc.result import SPCResult


def subgroup_stats(observations, subgroups: Sequence[Any]):
    """Group raw observations by subgroup label (first-seen order): labels, means, SDs, sizes.

    The SD is the sample standard deviation (n - 1); a subgroup of one has SD NaN.
    """
    obs = np.asarray(observations, dtype=float)
    labels = list(subgroups)
    if len(labels) != len(obs):
        raise OptionError(f"inputs must have the same length; got observations={len(obs)}, "
                          f"subgroups={len(labels)}")
    order: dict[Any, list[int]] = {}
    for i, key in enumerate(labels):
        order.setdefault(key, []).append(i)
    keys = list(order)
    means = np.array([obs[order[k]].mean() for k in keys])
    sizes = np.array([len(order[k]) for k in keys], dtype=float)
    sds = np.array([obs[order[k]].std(ddof=1) if len(order[k]) > 1 else np.nan for k in keys])
    return keys, means, sds, sizes


@dataclasses.dataclass(frozen=True, eq=False)
class FacetedSPCResult(Result):
    """One fitted chart per group, in first-seen group order."""

    results: dict

    def icon_table(self) -> list[dict]:
        """One row per group: see :func:`icon_table`."""
        return icon_table(self.results)

    def to_dict(self) -> dict:
        return {"groups": [dict(group=jsonable(g), **r.to_dict()) for g, r in self.results.items()],
                "icons": self.icon_table()}

    def summary(self) -> str:
        return "\n".join(f"[{g}] " + r.summary() for g, r in self.results.items())


def fit_facets(chart: SPCChart, groups: Sequence[Any], values, denominators=None, *,
               x: Sequence[Any] | None = None, sds=None, sizes=None,
               targets: Mapping[Any, float] | None = None) -> FacetedSPCResult:
    """Fit ``chart`` separately to each group's rows (kept in the order given).

    ``targets`` may give a target per group (others use the chart's own target).
    """
    groups = list(groups)
    n = len(groups)
    arrays = {"values": values, "denominators": denominators, "sds": sds, "sizes": sizes}
    for name, arr in arrays.items():
        if arr is not None and len(arr) != n:
            raise OptionError(f"inputs must have the same length; got groups={n}, {name}={len(arr)}")
    if x is not None and len(x) != n:
        raise OptionError(f"inputs must have the same length; got groups={n}, x={len(x)}")
    rows: dict[Any, list[int]] = {}
    for i, g in enumerate(groups):
        rows.setdefault(g, []).append(i)
    results = {}
    for g, idx in rows.items():
        params = chart.get_params()
        if targets is not None and g in targets:
            params["target"] = targets[g]
        part = {k: None if v is None else np.asarray(v)[idx] for k, v in arrays.items()}
        results[g] = SPCChart(**params).fit(part["values"], part["denominators"],
                                            x=None if x is None else [x[i] for i in idx],
                                            sds=part["sds"], sizes=part["sizes"])
    return FacetedSPCResult(results)


def icon_table(results: Mapping[Any, SPCResult]) -> list[dict]:
    """The summary table of icons across many series.

    One row per series: ``series``, ``chart``, ``n``, the last shown point's ``x``, ``y``, ``cl``,
    ``lpl``, ``upl``, ``rule``, then ``variation``, ``assurance`` and ``trial_limits``.
    """
    table = []
    for name, r in results.items():
        shown = np.flatnonzero(~r.excluded)
        i = int(shown[-1]) if shown.size else r.n - 1
        point = r.points()[i]
        table.append({"series": jsonable(name), "chart": r.chart, "n": r.n, "x": point["x"],
                      "y": point["y"], "cl": point["cl"], "lpl": point["lpl"], "upl": point["upl"],
                      "rule": point["rule"], "variation": r.variation, "assurance": r.assurance,
                      "trial_limits": r.trial_limits})
    return table

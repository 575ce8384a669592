"""The frozen results of an SPC chart: every point's limits, rule and type, the icons, the evidence."""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np

from caresignal.stats._base import Result, jsonable
from caresignal.stats.spc.icons import CONCERN, IMPROVEMENT, NEUTRAL_HIGH, NEUTRAL_LOW
from caresignal.stats.spc.runs import RunsAnalysis

# The keys of each point in the command line's JSON (a stable contract, issue 4).
POINT_KEYS = ("x", "y", "cl", "lpl", "upl", "lpl95", "upl95", "rule", "point_type")


@dataclasses.dataclass(frozen=True)
class Period(Result):
    """One period of a chart (between rebases): where it runs, how many points set its limits."""

    start: Any
    end: Any
    n: int
    n_base: int
    trial: bool
    evidence: dict
    runs: RunsAnalysis | None = None


@dataclasses.dataclass(frozen=True, eq=False)
class SPCResult(Result):
    """A fitted SPC chart.

    Attributes
    ----------
    x, y : the points' labels and plotted values (fractions for P and U charts unless scaled).
    cl, lpl, upl, lpl95, upl95 : centre line, process limits (3 sigma) and inner limits (2 sigma).
    rule : per point, the rule that flagged it (``outside_limits``, ``trend``, ``two_in_three``,
        ``shift``) or None, after precedence.
    direction : +1 / -1 / 0, the direction of that rule's pattern.
    point_type : ``common_cause``, ``special_cause_improvement``, ``special_cause_concern``,
        ``special_cause_neutral_high`` or ``special_cause_neutral_low``.
    segment, excluded, baseline : period number of each point, points left out, points the limits
        came from.
    periods : per period, its points, the base count, whether the limits are trial limits, the
        estimates behind the limits, and the runs analysis when asked for.
    variation, assurance : the icons (the last shown point's type; target against its limits).
    trial_limits : any period's limits come from fewer than 12 points.
    warnings : the caveats raised (also issued as ``TooFewPointsWarning``).
    """

    chart: str
    improvement: str
    target: float | None
    parameters: dict
    x: tuple
    y: np.ndarray
    cl: np.ndarray
    lpl: np.ndarray
    upl: np.ndarray
    lpl95: np.ndarray
    upl95: np.ndarray
    rule: tuple
    direction: np.ndarray
    point_type: tuple
    segment: np.ndarray
    excluded: np.ndarray
    baseline: np.ndarray
    periods: tuple
    trial_limits: bool
    variation: str | None
    assurance: str | None
    warnings: tuple

    def __post_init__(self):
        for name in ("y", "cl", "lpl", "upl", "lpl95", "upl95", "direction", "segment", "excluded",
                     "baseline"):
            getattr(self, name).flags.writeable = False  # nothing can be overwritten

    @property
    def n(self) -> int:
        """Number of points."""
        return len(self.x)

    def points(self) -> list[dict]:
        """One dict per point with the command line's keys (NaN becomes None)."""
        out = []
        for i in range(self.n):
            row = {"x": self.x[i]}
            for name in ("y", "cl", "lpl", "upl", "lpl95", "upl95"):
                row[name] = jsonable(getattr(self, name)[i])
            row["rule"] = self.rule[i]
            row["point_type"] = self.point_type[i]
            out.append(row)
        return out

    def to_dict(self) -> dict:
        """The command line's JSON: ``points``, ``variation``, ``assurance``, ``trial_limits``, and the
        evidence (``chart``, ``improvement``, ``target``, ``parameters``, ``periods``, ``warnings``)."""
        return {
            "points": self.points(),
            "variation": self.variation,
            "assurance": self.assurance,
            "trial_limits": self.trial_limits,
            "chart": self.chart,
            "improvement": self.improvement,
            "target": self.target,
            "parameters": jsonable(self.parameters),
            "periods": [jsonable(p) for p in self.periods],
            "warnings": list(self.warnings),
        }

    def counts(self) -> dict:
        """How many points of each type."""
        kinds = (IMPROVEMENT, CONCERN, NEUTRAL_HIGH, NEUTRAL_LOW)
        out = {"common_cause": sum(t == "common_cause" for t in self.point_type)}
        out.update({k: sum(t == k for t in self.point_type) for k in kinds})
        return out

    def summary(self) -> str:
        """A short text report: the chart, each period's limits, the counts and the icons."""
        lines = [f"SPC {self.chart} chart, {self.n} points, improvement: {self.improvement}"
                 + (f", target {self.target:g}" if self.target is not None else "")]
        for number, p in enumerate(self.periods):
            i = int(np.flatnonzero(self.segment == number)[-1])
            lines.append(f"  period {number + 1} ({p.start} .. {p.end}): n={p.n}, limits from {p.n_base}"
                         f"{' (trial limits)' if p.trial else ''}; CL {_fmt(self.cl[i])}, "
                         f"limits {_fmt(self.lpl[i])} .. {_fmt(self.upl[i])}")
            if p.runs is not None:
                lines.append("    " + p.runs.summary())
        counts = ", ".join(f"{k} {v}" for k, v in self.counts().items() if v)
        lines.append(f"  points: {counts}")
        lines.append(f"  variation: {self.variation}; assurance: {self.assurance}")
        return "\n".join(lines)


def _fmt(value: float) -> str:
    return "-" if not np.isfinite(value) else f"{value:.4g}"

"""Frozen results of a funnel plot: every unit's value, limits, z, p and band, with the evidence."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from caresignal.stats._base import Result, jsonable
from caresignal.stats.funnel._common import BANDS, LEVELS


def _frozen(arr) -> np.ndarray:
    out = np.array(arr, dtype=float, copy=True)
    out.setflags(write=False)
    return out


@dataclass(frozen=True)
class FunnelLimits(Result):
    """Funnel lines for drawing: limits at each precision on a grid, at 95% and 99.8%.

    Attributes
    ----------
    precision : array
        The x axis (expected count, denominator or n).
    lower, upper : dict
        ``{95.0: array, 99.8: array}`` on the value scale.
    target : float
        The centre line.
    """

    method: str
    data_type: str
    target: float
    precision: np.ndarray
    lower: dict
    upper: dict

    def to_dict(self) -> dict:
        return {"method": self.method, "type": self.data_type, "target": self.target,
                "precision": jsonable(self.precision),
                "lower": {f"{lvl:g}": jsonable(v) for lvl, v in self.lower.items()},
                "upper": {f"{lvl:g}": jsonable(v) for lvl, v in self.upper.items()}}

    def summary(self) -> str:
        return (f"Funnel limits ({self.method}, {self.data_type}) at {self.precision.size} "
                f"precisions from {self.precision.min():g} to {self.precision.max():g}, "
                f"target {self.target:.6g}")


@dataclass(frozen=True)
class FunnelResult(Result):
    """What a funnel plot found, with its evidence.

    Attributes
    ----------
    method, data_type, level : the method (``exact`` … ``winsorised``), ``ratio``/``proportion``/
        ``rate`` and the two-sided level (95 or 99.8) used for ``lower``, ``upper`` and ``band``.
    target : float
        θ₀, the centre line (1 for ratios unless given).
    phi, tau2 : float or None
        Overdispersion φ and the between-unit variance τ² (overdispersed methods; None otherwise).
    units : tuple of str
    observed, precision, value : arrays
        O, the precision (E, n or denominator) and the value plotted (O/precision).
    z, p_value : arrays
        Each unit's z-score and two-sided p-value under the method (see docs/funnel-plots.md).
    lower, upper : arrays
        Control limits at each unit's precision; for ``byar`` the unit's confidence interval of its
        value (OHID compares that interval with the target); ``interval`` says which.
    band : tuple of str
        ``higher``, ``as_expected`` or ``lower``.
    used_for_phi : array of bool
        Units whose z-scores entered φ (after truncation); all True for winsorising methods.
    params : dict
        The estimator's parameters, resolved (trim, rounding, exact variant …).
    warnings : tuple of str
    """

    method: str
    data_type: str
    level: float
    target: float
    phi: float | None
    tau2: float | None
    units: tuple
    observed: np.ndarray
    precision: np.ndarray
    value: np.ndarray
    z: np.ndarray
    p_value: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    band: tuple
    used_for_phi: np.ndarray
    params: dict = field(default_factory=dict)
    warnings: tuple = ()

    def __post_init__(self):
        for name in ("observed", "precision", "value", "z", "p_value", "lower", "upper"):
            object.__setattr__(self, name, _frozen(getattr(self, name)))
        mask = np.array(self.used_for_phi, dtype=bool, copy=True)
        mask.setflags(write=False)
        object.__setattr__(self, "used_for_phi", mask)

    @property
    def n_units(self) -> int:
        """Number of units on the funnel."""
        return len(self.units)

    @property
    def interval(self) -> str:
        """``confidence_interval`` for byar (interval of each value), else ``control_limits``."""
        return "confidence_interval" if self.method == "byar" else "control_limits"

    @cached_property
    def band_counts(self) -> dict:
        """How many units fall in each band, in the order higher, as_expected, lower."""
        return {b: sum(1 for x in self.band if x == b) for b in BANDS}

    def unit_rows(self) -> list[dict]:
        """One dict per unit: unit, value, z, p_value, lower, upper, band (the CLI's ``units``)."""
        rows = []
        for i, unit in enumerate(self.units):
            rows.append({"unit": unit, "value": self.value[i], "z": self.z[i],
                         "p_value": self.p_value[i], "lower": self.lower[i],
                         "upper": self.upper[i], "band": self.band[i]})
        return jsonable(rows)

    def to_dict(self) -> dict:
        """JSON-ready: the CLI's keys (target, phi, tau2, units) plus method, type, level, evidence."""
        return jsonable({"target": self.target, "phi": self.phi, "tau2": self.tau2,
                         "units": self.unit_rows(), "method": self.method,
                         "type": self.data_type, "level": self.level, "n_units": self.n_units,
                         "interval": self.interval, "band_counts": self.band_counts,
                         "used_for_phi": int(self.used_for_phi.sum()), "params": self.params,
                         "warnings": list(self.warnings)})

    def limits(self, precision=None, *, points: int = 100) -> FunnelLimits:
        """Funnel lines at 95% and 99.8% over a grid of precision, for drawing.

        ``precision`` defaults to ``points`` values spaced evenly on a log scale from half the
        smallest to 1.1 times the largest precision in the data.
        """
        from caresignal.stats.funnel.model import control_limits  # the model owns the formulas

        if precision is None:
            lo, hi = float(self.precision.min()) / 2, float(self.precision.max()) * 1.1
            precision = np.geomspace(lo, hi, points)
        grid = np.asarray(precision, dtype=float)
        lower, upper = {}, {}
        for level in LEVELS:
            lower[level], upper[level] = control_limits(
                self.method, self.data_type, grid, self.target, level,
                phi=self.phi, tau2=self.tau2, exact_variant=self.params.get("exact_variant",
                                                                            "interpolated"))
        return FunnelLimits(self.method, self.data_type, self.target, _frozen(grid),
                            {k: _frozen(v) for k, v in lower.items()},
                            {k: _frozen(v) for k, v in upper.items()})

    def summary(self) -> str:
        """A short text every channel prints the same way."""
        counts = self.band_counts
        lines = [f"Funnel plot: {self.method} limits for a {self.data_type}, {self.level:g}% level, "
                 f"{self.n_units} units, target {self.target:.6g}"]
        if self.phi is not None:
            tau2 = "not used" if self.tau2 is None else f"{self.tau2:.4g}"
            lines.append(f"overdispersion: phi = {self.phi:.4g} from {int(self.used_for_phi.sum())} "
                         f"units, tau2 = {tau2}")
        lines.append(f"bands: {counts['higher']} higher, {counts['as_expected']} as expected, "
                     f"{counts['lower']} lower")
        flagged = [(u, b, v) for u, b, v in zip(self.units, self.band, self.value)
                   if b != "as_expected"]
        for unit, band, value in flagged[:20]:
            lines.append(f"  {unit}: {band} (value {value:.4g})")
        if len(flagged) > 20:
            lines.append(f"  … and {len(flagged) - 20} more")
        lines.extend(f"warning: {w}" for w in self.warnings)
        return "\n".join(lines)


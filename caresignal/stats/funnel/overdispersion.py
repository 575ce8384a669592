"""Overdispersion: z-scores on a variance-stabilising scale, trimming, φ and the random-effects τ².

When units differ by more than chance allows (case mix the model missed, coding, real differences),
plain Poisson or binomial limits flag too many units. Spiegelhalter (2005, QSHC) estimates the
excess from the data:

1. Put each unit on a scale where its sampling variance is known: value y_i, target y₀, standard
   error s_i (table below), and form z_i = (y_i − y₀)/s_i.
2. Stop the real outliers inflating the estimate: **winsorise** (Spiegelhalter, CQC: set z-scores
   below the 10th percentile to it and above the 90th to it, keeping all n) or **truncate** (SHMI:
   rank the z-scores, drop the lowest and highest tenth, keeping n′ units).
3. φ = (1/n′)·Σ z_i² over the kept units (φ ≈ 1 when there is no overdispersion).
4. Either inflate the limits **multiplicatively**: y₀ ± z·√φ·s_i, or add a between-unit variance
   (**additive random effects**, DerSimonian–Laird form with w_i = 1/s_i²):

       τ² = max(0, (n′φ − (n′ − 1)) / (Σw_i − Σw_i²/Σw_i)),   limits y₀ ± z·√(s_i² + τ²).

Scales (FunnelPlotR ``transformed_zscore``; Spiegelhalter 2005 QSHC table 1; SHMI specification):

=============  ==================  ===========  ==============
scale           y                  y₀           s
=============  ==================  ===========  ==============
log (SHMI)      ln(O/ρ)            ln θ₀        1/√(θ₀ρ)
sqrt            √(O/ρ)             √θ₀          1/(2√ρ)
arcsine         asin √(O/n)        asin √θ₀     1/(2√n)
=============  ==================  ===========  ==============

References
----------
Spiegelhalter DJ. Handling over-dispersion of performance indicators. Qual Saf Health Care
2005;14:347–51. doi:10.1136/qshc.2005.013755
DerSimonian R, Laird N. Meta-analysis in clinical trials. Control Clin Trials 1986;7:177–88.
NHS England (formerly NHS Digital). Summary Hospital-level Mortality Indicator (SHMI): methodology
specification, "banding" section.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

from caresignal.domain.errors import OptionError
from caresignal.stats._base import check_choice

SCALES = ("log", "sqrt", "arcsine")

# Trim 10% at each end before estimating φ: Spiegelhalter (2005, QSHC) and the SHMI specification.
DEFAULT_TRIM = 0.1


@dataclass(frozen=True)
class Scaled:
    """Values on the stabilised scale: y, its target y0 and each unit's standard error s."""

    y: np.ndarray
    y0: float
    s: np.ndarray


def to_scale(scale: str, observed, precision, target: float) -> Scaled:
    """Transform observed/precision to ``scale`` (log, sqrt or arcsine); see the module table."""
    o = np.asarray(observed, dtype=float)
    rho = np.asarray(precision, dtype=float)
    value = o / rho
    with np.errstate(divide="ignore"):
        if scale == "log":
            if target <= 0:
                raise OptionError("the log (SHMI) scale needs a target greater than 0; "
                                  f"got {target!r}")
            return Scaled(np.log(value), float(np.log(target)), 1.0 / np.sqrt(target * rho))
        if scale == "sqrt":
            return Scaled(np.sqrt(value), float(np.sqrt(target)), 1.0 / (2.0 * np.sqrt(rho)))
        if scale == "arcsine":
            return Scaled(np.arcsin(np.sqrt(value)), float(np.arcsin(np.sqrt(target))),
                          1.0 / (2.0 * np.sqrt(rho)))
    check_choice("scale", scale, SCALES)
    raise AssertionError(f"scale {scale!r} is listed in SCALES but has no transformation")


def from_scale(scale: str, y: np.ndarray) -> np.ndarray:
    """Back to the value scale, clipping where the transformation has no inverse (y < 0 etc.)."""
    y = np.asarray(y, dtype=float)
    if scale == "log":
        return np.exp(y)
    if scale == "sqrt":
        return np.maximum(y, 0.0) ** 2
    if scale == "arcsine":
        return np.sin(np.clip(y, 0.0, np.pi / 2)) ** 2
    check_choice("scale", scale, SCALES)
    raise AssertionError(f"scale {scale!r} is listed in SCALES but has no inverse")


def truncation_mask(z, trim: float = DEFAULT_TRIM) -> np.ndarray:
    """Which z-scores the SHMI keeps: rank groups as SAS ``PROC RANK GROUPS=k``, drop the end groups.

    With k = 1/trim groups, a unit of rank r (ties averaged) among n falls in group
    ⌊r·k/(n + 1)⌋ ∈ {0, …, k − 1}; groups 0 and k − 1 are dropped. This is how the SHMI
    specification's "top and bottom 10%" is computed (FunnelPlotR ``truncation`` does the same).
    """
    z = np.asarray(z, dtype=float)
    if not 0 < trim < 0.5:
        raise OptionError(f"trim must be between 0 and 0.5; got {trim!r}")
    k = 1.0 / trim
    ranks = stats.rankdata(z, method="average")
    groups = np.floor(ranks * k / (len(z) + 1))
    return (groups > 0) & (groups < k - 1)


def winsorise(z, trim: float = DEFAULT_TRIM) -> np.ndarray:
    """Set z-scores beyond the trim and 1 − trim quantiles to those quantiles (keeps all n).

    Quantiles by linear interpolation between order statistics (R's default, type 7, which
    FunnelPlotR's ``winsorisation`` uses).
    """
    z = np.asarray(z, dtype=float)
    if not 0 <= trim < 0.5:
        raise OptionError(f"trim must be between 0 and 0.5; got {trim!r}")
    lo, hi = np.quantile(z, [trim, 1.0 - trim])
    return np.clip(z, lo, hi)


def dispersion_phi(z) -> float:
    """φ = mean of z² over the z-scores given (already winsorised or truncated)."""
    z = np.asarray(z, dtype=float)
    return float(np.mean(z * z)) if z.size else float("nan")


def random_effects_tau2(phi: float, s) -> float:
    """Additive between-unit variance τ² (DerSimonian–Laird form, Spiegelhalter 2005 QSHC eq. 3).

    τ² = (nφ − (n − 1)) / (Σw − Σw²/Σw) with w = 1/s², and 0 when nφ ≤ n − 1 (no overdispersion
    beyond chance). Needs at least two units (with one, the denominator is 0).
    """
    s = np.asarray(s, dtype=float)
    n = s.size
    if n < 2 or not np.isfinite(phi):
        return float("nan")
    if n * phi <= n - 1:
        return 0.0
    w = 1.0 / (s * s)
    return float(max(0.0, (n * phi - (n - 1)) / (w.sum() - (w * w).sum() / w.sum())))


def additive_limits(scaled: Scaled, tau2: float, z_level: float, scale: str,
                    s=None) -> tuple[np.ndarray, np.ndarray]:
    """Random-effects limits y₀ ± z·√(s² + τ²), back on the value scale."""
    s = scaled.s if s is None else np.asarray(s, dtype=float)
    half = z_level * np.sqrt(s * s + tau2)
    return from_scale(scale, scaled.y0 - half), from_scale(scale, scaled.y0 + half)


def multiplicative_limits(scaled: Scaled, phi: float, z_level: float, scale: str,
                          s=None) -> tuple[np.ndarray, np.ndarray]:
    """Limits y₀ ± z·√φ·s, back on the value scale (φ below 1 is not used to narrow them)."""
    s = scaled.s if s is None else np.asarray(s, dtype=float)
    half = z_level * np.sqrt(max(phi, 1.0)) * s
    return from_scale(scale, scaled.y0 - half), from_scale(scale, scaled.y0 + half)

"""The OHID method for proportions: Wilson score intervals compared with the target.

The Wilson (1927) score interval for O events out of n, with z = Φ⁻¹(1 − p), is

    (2O + z² ∓ z·√(z² + 4O(1 − O/n))) / (2(n + z²)),

the set of proportions π for which |O/n − π| ≤ z·√(π(1 − π)/n). A unit is therefore significantly
different from the target θ₀ exactly when its score statistic

    z_score = (O/n − θ₀) / √(θ₀(1 − θ₀)/n)

exceeds z in size, and the funnel limits at a denominator n (the proportions whose Wilson interval
just touches θ₀) are

    θ₀ ± z·√(θ₀(1 − θ₀)/n),   clipped to [0, 1].

PHEindicatormethods (``sigma_adjustment`` in utils.R) reaches the same limits by solving the
quadratic that inverts the Wilson bound; OHID tables clip them to 0–100%.

References
----------
Wilson EB. Probable inference, the law of succession, and statistical inference. J Am Stat Assoc
1927;22:209–12. doi:10.1080/01621459.1927.10502953
Newcombe RG, Altman DG. Proportions and their differences. In: Statistics with confidence, 2nd ed.
BMJ Books, 2000:46–8.
"""

from __future__ import annotations

import numpy as np
from scipy import stats

from caresignal.stats.funnel._common import z_for_level


def wilson_interval(observed, n, level: float) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval (lower, upper) of the proportion O/n."""
    o = np.asarray(observed, dtype=float)
    n = np.asarray(n, dtype=float)
    z = z_for_level(level)
    centre = 2 * o + z * z
    half = z * np.sqrt(z * z + 4 * o * (1 - o / n))
    denom = 2 * (n + z * z)
    return (centre - half) / denom, (centre + half) / denom


def funnel_limits_wilson(n, target: float, level: float) -> tuple[np.ndarray, np.ndarray]:
    """Limits at denominator n: the proportions whose Wilson interval just reaches θ₀."""
    n = np.asarray(n, dtype=float)
    half = z_for_level(level) * np.sqrt(target * (1 - target) / n)
    return np.clip(target - half, 0.0, 1.0), np.clip(target + half, 0.0, 1.0)


def wilson_z(observed, n, target: float) -> tuple[np.ndarray, np.ndarray]:
    """Score statistic (O/n − θ₀)/√(θ₀(1 − θ₀)/n) and its two-sided p-value."""
    o = np.asarray(observed, dtype=float)
    n = np.asarray(n, dtype=float)
    se = np.sqrt(target * (1 - target) / n)
    diff = o / n - target
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(diff == 0, 0.0, diff / se)
    return z, np.minimum(1.0, 2 * stats.norm.sf(np.abs(z)))

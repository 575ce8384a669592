"""The OHID (Fingertips) method for counts: a confidence interval of O, compared with the target.

For an observed count O the 100(1 − 2p)% confidence interval of its Poisson mean is

* exact, for O < 10 (chi-square form of the Poisson–gamma relation):
      L = χ²(p; 2O)/2 (L = 0 when O = 0),   U = χ²(1 − p; 2O + 2)/2;
* Byar's approximation, for O ≥ 10 (Breslow & Day 1987, p. 69):
      L = O·(1 − 1/(9O) − z/(3√O))³,   U = (O + 1)·(1 − 1/(9(O + 1)) + z/(3√(O + 1)))³,

with z = Φ⁻¹(1 − p). Dividing by the expected count E (a ratio) or the denominator (a rate) gives
the interval of the value; the unit is ``higher`` when L/ρ > θ₀ and ``lower`` when U/ρ < θ₀.

The same comparison read the other way gives each unit's one-sided probability, so that z-scores and
p-values agree with the band: the level at which L/ρ just equals θ₀ (μ = θ₀ρ) is
      P(Poisson(μ) ≥ O)                         for O < 10,
      Φ(−z₊), z₊ = 3√O·(1 − 1/(9O) − (μ/O)^⅓)   for O ≥ 10 (Wilson–Hilferty),
and symmetrically for the upper limit with O + 1.

The funnel *lines* OHID draws (``poisson_funnel`` in PHEindicatormethods) are exact Poisson for every
count, so for O ≥ 10 a unit's band (Byar) and the drawn line (exact) can disagree in the 4th
significant figure; :func:`poisson_funnel_lines` reproduces the drawn lines.

References
----------
Breslow NE, Day NE. Statistical methods in cancer research, vol. II. IARC, 1987.
Office for Health Improvement and Disparities. Fingertips public health technical guidance:
confidence intervals and funnel plots. https://fingertips.phe.org.uk/profile/guidance
"""

from __future__ import annotations

import numpy as np
from scipy import special, stats

from caresignal.stats.funnel._common import tail_probability

# OHID: exact Poisson limits below 10 events, Byar's approximation from 10 (PHEindicatormethods
# utils.R ``funnel_ratio_significance``; Fingertips technical guide).
BYAR_MIN_EVENTS = 10


def poisson_interval(observed, level: float) -> tuple[np.ndarray, np.ndarray]:
    """Confidence interval (L, U) of a Poisson mean from observed counts: exact < 10, Byar ≥ 10."""
    o = np.asarray(observed, dtype=float)
    p = tail_probability(level)
    z = stats.norm.isf(p)
    small = o < BYAR_MIN_EVENTS
    with np.errstate(divide="ignore", invalid="ignore"):
        exact_low = np.where(o > 0, stats.chi2.ppf(p, 2 * np.maximum(o, 1e-300)) / 2, 0.0)
        exact_high = stats.chi2.isf(p, 2 * o + 2) / 2
        byar_low = o * (1 - 1 / (9 * o) - z / (3 * np.sqrt(o))) ** 3
        o1 = o + 1
        byar_high = o1 * (1 - 1 / (9 * o1) + z / (3 * np.sqrt(o1))) ** 3
    low = np.where(small, exact_low, byar_low)
    high = np.where(small, exact_high, byar_high)
    return low, high


def byar_tails(observed, precision, target: float) -> tuple[np.ndarray, np.ndarray]:
    """One-sided probabilities (low, high): the tail at which U (or L) just reaches θ₀·ρ.

    ``high < p`` exactly when L/ρ > θ₀ at tail p (the unit is higher); ``low < p`` when U/ρ < θ₀.
    """
    o = np.asarray(observed, dtype=float)
    mu = target * np.asarray(precision, dtype=float)
    small = o < BYAR_MIN_EVENTS
    with np.errstate(divide="ignore", invalid="ignore"):
        # exact: P(X >= O) and P(X <= O) for X ~ Poisson(mu); P(X >= 0) = 1
        exact_high = np.where(o > 0, special.gammainc(np.maximum(o, 1e-300), mu), 1.0)
        exact_low = special.gammaincc(o + 1, mu)
        z_high = 3 * np.sqrt(o) * (1 - 1 / (9 * o) - np.cbrt(mu / o))
        o1 = o + 1
        z_low = 3 * np.sqrt(o1) * (np.cbrt(mu / o1) - 1 + 1 / (9 * o1))
    high = np.where(small, exact_high, stats.norm.sf(z_high))
    low = np.where(small, exact_low, stats.norm.sf(z_low))
    return low, high


def poisson_funnel_lines(observed, target: float, level: float) -> dict[str, np.ndarray]:
    """OHID's drawn funnel: for each count O, the precision at which O/ρ sits on each limit.

    The exact Poisson interval of O, (L, U), is inverted: the point O/ρ is on the *upper* limit when
    θ₀ρ = L, and on the *lower* limit when θ₀ρ = U. Returns ``upper_precision``, ``upper``,
    ``lower_precision``, ``lower`` (value scale). PHEindicatormethods finds the same numbers by
    bisection to 1e-7 on a transformed scale (``poisson_funnel``); this uses the closed form.
    """
    o = np.asarray(observed, dtype=float)
    p = tail_probability(level)
    with np.errstate(divide="ignore", invalid="ignore"):
        exact_low = np.where(o > 0, stats.chi2.ppf(p, 2 * np.maximum(o, 1e-300)) / 2, 0.0)
        exact_high = stats.chi2.isf(p, 2 * o + 2) / 2
        upper_precision = exact_low / target
        lower_precision = exact_high / target
        return {"upper_precision": upper_precision, "upper": o / upper_precision,
                "lower_precision": lower_precision, "lower": o / lower_precision}


def exact_poisson_limits(precision, target: float, level: float) -> tuple[np.ndarray, np.ndarray]:
    """The same exact-interval funnel evaluated at given precisions (for drawing on a grid).

    With μ = θ₀ρ, the upper line is the (continuous) count O with P(Poisson(μ) ≥ O) = p and the lower
    line the count with P(Poisson(μ) ≤ O) = p, using the inverse of the regularised gamma function
    in its shape (``scipy.special.pdtrik``); limits are O/ρ.
    """
    rho = np.asarray(precision, dtype=float)
    p = tail_probability(level)
    mu = target * rho
    upper_count = 1.0 + special.pdtrik(1.0 - p, mu)
    lower_count = np.maximum(special.pdtrik(p, mu), 0.0)
    # pdtrik is undefined where even O = 0 leaves more than p in the lower tail: the line is at 0
    lower_count = np.where(np.exp(-mu) >= p, 0.0, lower_count)
    return lower_count / rho, upper_count / rho

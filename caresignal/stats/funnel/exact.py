"""Exact funnel limits around a target: Poisson for ratios and rates, binomial for proportions.

Spiegelhalter (2005) builds the limits from the distribution of the count under the target:

* ratio or rate: O ~ Poisson(μ) with μ = θ₀·ρ (ρ = expected count E, or the denominator);
* proportion:    O ~ Binomial(n, θ₀).

For a two-sided level with tail p (0.025 for 95%, 0.001 for 99.8%) the limits on the value scale are
Q(p)/ρ and Q(1−p)/ρ, where Q is the quantile of the count. Because the count is discrete,
Spiegelhalter (2005, Appendix A.1.1) interpolates: with r_p the smallest r with F(r) ≥ p,

    α = (F(r_p) − p) / (F(r_p) − F(r_p − 1)),     Q(p) = r_p − α,

which is the inverse of the CDF drawn as straight lines between the integers (F(−1) = 0). The same
piecewise-linear CDF evaluated at the observed count, G(O), is the unit's tail probability, so a
unit lies outside the limits exactly when G(O) < p or G(O) > 1 − p.

``variant="gamma"`` gives the limits FunnelPlotR draws for standardised ratios without
overdispersion: the lower limit is the p-quantile of Gamma(μ) and the upper the (1 − p)-quantile of
Gamma(μ + 1), both over E, i.e. the chi-square limits ``qchisq(p, 2μ)/2/E`` and
``qchisq(1 − p, 2μ + 2)/2/E``. They are slightly wider than the interpolated ones and reproduce
FunnelPlotR's medpar example (25 outliers at 99.8%, where interpolation flags 23).

References
----------
Spiegelhalter DJ. Funnel plots for comparing institutional performance. Stat Med 2005;24:1185–202.
doi:10.1002/sim.1970
"""

from __future__ import annotations

import numpy as np
from scipy import stats

from caresignal.domain.errors import OptionError
from caresignal.stats.funnel._common import tail_probability
from caresignal.stats._base import check_choice

EXACT_VARIANTS = ("interpolated", "gamma")


def _distribution(kind: str, precision: np.ndarray, target: float):
    if check_choice("kind", kind, ("poisson", "binomial")) == "poisson":
        return stats.poisson(target * precision)
    # n must be a whole number for the binomial; a fractional n is rounded to the nearest unit.
    return stats.binom(np.rint(precision), target)


def interpolated_quantile(kind: str, p: float, precision, target: float) -> np.ndarray:
    """Q(p) = r_p − α, Spiegelhalter's interpolated quantile of the count (see module notes).

    Clipped at 0 below (when r_p = 0 the straight line from F(−1) = 0 reaches below 0).
    """
    precision = np.asarray(precision, dtype=float)
    dist = _distribution(kind, precision, target)
    r = dist.ppf(p)
    pmf = dist.pmf(r)
    # F(r) − p, computed from the upper tail when p is near 1 to keep precision
    if p > 0.5:
        excess = (1.0 - p) - dist.sf(r)
    else:
        excess = dist.cdf(r) - p
    with np.errstate(divide="ignore", invalid="ignore"):
        q = np.where(pmf > 0, r - excess / pmf, r)
    return np.maximum(q, 0.0)


def interpolated_tails(kind: str, observed, precision, target: float) -> tuple[np.ndarray, np.ndarray]:
    """(G(O), 1 − G(O)): lower and upper tail of the piecewise-linear CDF at the observed count.

    For a whole-number count G(O) = F(O) = P(X ≤ O); between integers G is linear.
    """
    observed = np.asarray(observed, dtype=float)
    precision = np.asarray(precision, dtype=float)
    dist = _distribution(kind, precision, target)
    k = np.ceil(observed)             # O lies on the segment (k − 1, k]
    frac = observed - (k - 1.0)       # in (0, 1]
    mass = dist.pmf(k)
    lower = dist.cdf(k - 1.0) + frac * mass
    upper = dist.sf(k - 1.0) - frac * mass
    return np.clip(lower, 0.0, 1.0), np.clip(upper, 0.0, 1.0)


def funnel_limits_exact(precision, target: float, level: float, *, kind: str = "poisson",
                        variant: str = "interpolated") -> tuple[np.ndarray, np.ndarray]:
    """Exact lower and upper control limits on the value scale (O/ρ) at each precision ρ.

    Parameters
    ----------
    precision : array
        Expected count E (ratio), denominator (rate) or number of cases n (proportion).
    target : float
        θ₀: 1 for a standardised ratio, the pooled rate or proportion otherwise.
    level : {95, 99.8}
    kind : {"poisson", "binomial"}
    variant : {"interpolated", "gamma"}
        ``interpolated`` (default) is Spiegelhalter's interpolated quantile; ``gamma`` gives
        FunnelPlotR's chi-square limits (Poisson only).

    Returns
    -------
    lower, upper : arrays
        Limits on the value scale; a proportion's limits lie in [0, 1].
    """
    p = tail_probability(level)
    precision = np.asarray(precision, dtype=float)
    if variant == "gamma":
        if kind != "poisson":
            raise OptionError("exact variant 'gamma' applies to Poisson counts (ratio, rate) only; "
                              "use variant 'interpolated' for proportions")
        mu = target * precision
        with np.errstate(invalid="ignore"):
            lower = np.where(mu > 0, stats.gamma.ppf(p, np.maximum(mu, 1e-300)), 0.0)
        upper = stats.gamma.isf(p, mu + 1.0)
        return lower / precision, upper / precision
    check_choice("exact variant", variant, EXACT_VARIANTS)
    lower = interpolated_quantile(kind, p, precision, target) / precision
    upper = interpolated_quantile(kind, 1.0 - p, precision, target) / precision
    return lower, upper


def exact_tails(observed, precision, target: float, *, kind: str = "poisson",
                variant: str = "interpolated") -> tuple[np.ndarray, np.ndarray]:
    """One-sided probabilities (low, high) matching :func:`funnel_limits_exact`.

    A unit is below the lower limit at tail p exactly when ``low < p`` and above the upper limit
    when ``high < p``. For ``gamma`` these are the Gamma(μ) CDF and the Gamma(μ + 1) survival at O.
    """
    observed = np.asarray(observed, dtype=float)
    precision = np.asarray(precision, dtype=float)
    if variant == "gamma":
        mu = target * precision
        with np.errstate(invalid="ignore"):
            low = np.where(mu > 0, stats.gamma.cdf(observed, np.maximum(mu, 1e-300)), 1.0)
        high = stats.gamma.sf(observed, mu + 1.0)
        return low, high
    return interpolated_tails(kind, observed, precision, target)


def z_and_p_from_tails(low: np.ndarray, high: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Signed z-score and two-sided p-value from the two one-sided tail probabilities.

    The smaller tail decides the sign: z = Φ⁻¹(1 − high) when the unit is on the high side,
    −Φ⁻¹(1 − low) when on the low side; p = min(1, 2·min(low, high)).
    """
    low = np.asarray(low, dtype=float)
    high = np.asarray(high, dtype=float)
    z = np.where(high <= low, stats.norm.isf(high), -stats.norm.isf(low))
    p = np.minimum(1.0, 2.0 * np.minimum(low, high))
    return z, p

"""What every funnel method shares: levels, bands, targets and input checks.

A funnel plot puts each unit (trust, practice, surgeon) at its *precision* on the x axis (expected
deaths for a ratio, denominator for a proportion or a rate) and its *value* on the y axis (O/E, O/n,
O/denominator), with control limits around a *target* that narrow as precision grows
(Spiegelhalter 2005, doi:10.1002/sim.1970).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

from caresignal.domain.errors import OptionError
from caresignal.stats._base import check_array, check_choice, check_same_length

# Two-sided levels in use in the NHS: 95% ("2 sigma", p = 0.025 each side) and 99.8% ("3 sigma",
# p = 0.001 each side). Spiegelhalter (2005) §3; OHID Fingertips technical guide; SHMI uses 95% for
# its official bands.
LEVELS = (95.0, 99.8)
DEFAULT_LEVEL = 95.0

TYPES = ("ratio", "proportion", "rate")
METHODS = ("exact", "byar", "wilson", "shmi", "multiplicative", "winsorised")
OVERDISPERSED_METHODS = ("shmi", "multiplicative", "winsorised")

# Which methods make sense for which type of indicator (the message on refusal says why).
METHOD_TYPES = {
    "exact": ("ratio", "proportion", "rate"),
    "byar": ("ratio", "rate"),           # a confidence interval of a Poisson count
    "wilson": ("proportion",),           # a confidence interval of a binomial proportion
    "shmi": ("ratio", "rate"),           # log scale needs O/E or O/person-time
    "multiplicative": ("ratio", "proportion", "rate"),
    "winsorised": ("ratio", "proportion", "rate"),
}

BAND_HIGHER = "higher"
BAND_AS_EXPECTED = "as_expected"
BAND_LOWER = "lower"
BANDS = (BAND_HIGHER, BAND_AS_EXPECTED, BAND_LOWER)


def check_level(level) -> float:
    """The level as a float, one of 95 or 99.8 (also accepts 0.95 and 0.998)."""
    try:
        value = float(level)
    except (TypeError, ValueError):
        raise OptionError(f"level must be one of 95, 99.8; got {level!r}") from None
    if value < 1:  # a fraction such as 0.95
        value = round(value * 100, 6)
    if value not in LEVELS:
        raise OptionError(f"level must be one of 95, 99.8; got {level!r}")
    return value


def tail_probability(level: float) -> float:
    """One-sided tail probability of a two-sided level: 95 -> 0.025, 99.8 -> 0.001."""
    return (1.0 - check_level(level) / 100.0) / 2.0


def z_for_level(level: float) -> float:
    """Standard normal quantile of a two-sided level: 95 -> 1.959964, 99.8 -> 3.090232."""
    return float(stats.norm.isf(tail_probability(level)))


def bands_from_limits(value: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> tuple[str, ...]:
    """``higher`` above the upper limit, ``lower`` below the lower one, otherwise ``as_expected``.

    A value exactly on a limit is inside it (FunnelPlotR ``outliers_func`` and the OHID tools both
    flag only values strictly beyond a limit).
    """
    out = []
    for v, lo, hi in zip(value, lower, upper):
        if np.isnan(v):
            out.append(BAND_AS_EXPECTED)
        elif v > hi:
            out.append(BAND_HIGHER)
        elif v < lo:
            out.append(BAND_LOWER)
        else:
            out.append(BAND_AS_EXPECTED)
    return tuple(out)


@dataclass(frozen=True)
class FunnelInputs:
    """Validated inputs: observed counts, precision (E, n or denominator) and the value plotted."""

    observed: np.ndarray
    precision: np.ndarray
    value: np.ndarray


def check_inputs(type_: str, observed, precision, *, precision_name: str) -> FunnelInputs:
    """Clean arrays for one funnel, with messages that name the argument and the position.

    Observed counts must be finite and non-negative; precision (expected, denominator) must be
    positive, because a unit with nothing expected has no place on a funnel; proportions need
    observed <= denominator.
    """
    check_choice("type", type_, TYPES)
    obs = check_array("observed", observed, nonnegative=True, min_length=1)
    prec = check_array(precision_name, precision, nonnegative=True, min_length=1)
    check_same_length(observed=obs, **{precision_name: prec})
    if (prec <= 0).any():
        first = int(np.flatnonzero(prec <= 0)[0])
        raise OptionError(f"{precision_name} must be greater than 0; position {first + 1} is "
                          f"{prec[first]:g} (a unit with nothing expected cannot be placed on a funnel)")
    if type_ == "proportion" and (obs > prec).any():
        first = int(np.flatnonzero(obs > prec)[0])
        raise OptionError(f"observed must not exceed {precision_name} for a proportion; position "
                          f"{first + 1} has {obs[first]:g} > {prec[first]:g}")
    return FunnelInputs(observed=obs, precision=prec, value=obs / prec)


def default_target(type_: str, observed: np.ndarray, precision: np.ndarray) -> float:
    """1 for a ratio of observed to expected; the pooled ΣO/Σn otherwise (OHID, FunnelPlotR)."""
    if type_ == "ratio":
        return 1.0
    return float(observed.sum() / precision.sum())


def check_target(type_: str, target) -> float:
    try:
        value = float(target)
    except (TypeError, ValueError):
        raise OptionError(f"target must be a number; got {target!r}") from None
    if not np.isfinite(value) or value < 0:
        raise OptionError(f"target must be a finite number >= 0; got {target!r}")
    if type_ == "proportion" and value > 1:
        raise OptionError(f"target for a proportion must be between 0 and 1; got {target!r}")
    return value

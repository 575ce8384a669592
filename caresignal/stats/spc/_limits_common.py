"""What every limit calculation shares: the limits record, the base mask, bands and the moving range."""

from __future__ import annotations

import dataclasses

import numpy as np

from caresignal.domain.errors import OptionError
from caresignal.stats.spc.constants import INNER_LIMIT_FRACTION, MR_SCREEN_D4


@dataclasses.dataclass(frozen=True)
class Limits:
    """Plotted values, centre line and limits of one period, point by point.

    ``lpl``/``upl`` are the process limits (k sigma, 3 by default); ``lpl95``/``upl95`` the inner
    limits at two thirds of that distance (2 sigma). ``evidence`` holds the intermediate estimates
    (mean moving range, screened ranges, pooled s, ...).
    """

    y: np.ndarray
    cl: np.ndarray
    lpl: np.ndarray
    upl: np.ndarray
    lpl95: np.ndarray
    upl95: np.ndarray
    evidence: dict


def base_mask(n: int, base) -> np.ndarray:
    """Boolean mask of the points used for the limits (all points when ``base`` is None)."""
    if base is None:
        return np.ones(n, dtype=bool)
    mask = np.asarray(base, dtype=bool)
    if mask.shape != (n,):
        raise OptionError(f"base must be a mask of {n} points; got shape {mask.shape}")
    return mask


def check_base(base: np.ndarray, needed: int, what: str) -> None:
    """Refuse a period with too few points to compute limits from."""
    have = int(base.sum())
    if have < needed:
        raise OptionError(f"{what} needs at least {needed} points to compute limits from; "
                          f"a period has {have}")


def bands(cl, sigma, k: float, lower: float = -np.inf, upper: float = np.inf):
    """``cl -/+ k sigma`` and ``cl -/+ (2/3) k sigma``, clipped to [lower, upper].

    Returns ``(lpl, upl, lpl95, upl95)``.
    """
    cl = np.asarray(cl, float)
    sigma = np.asarray(sigma, float)
    outer = k * sigma
    inner = INNER_LIMIT_FRACTION * k * sigma
    with np.errstate(invalid="ignore"):
        return (np.clip(cl - outer, lower, upper), np.clip(cl + outer, lower, upper),
                np.clip(cl - inner, lower, upper), np.clip(cl + inner, lower, upper))


def average_moving_range(values, *, screen: bool) -> tuple[float, dict]:
    """Mean of ``|v_i - v_(i-1)|``, optionally screened once for outlying ranges.

    Screening (Nelson 1982): ranges ``>= 3.267 x AMR`` are dropped and the mean recomputed once, as in
    NHSRplotthedots (``mr < 3.267 * amr`` kept), PowerBI-SPC and qicharts2. A zero AMR (a constant
    series) is left as it is.
    """
    mr = np.abs(np.diff(np.asarray(values, float)))
    amr = float(np.mean(mr))
    evidence = {"amr_unscreened": amr, "n_moving_ranges": int(mr.size), "n_screened_out": 0,
                "screen": bool(screen)}
    if screen and amr > 0:
        kept = mr[mr < MR_SCREEN_D4 * amr]
        evidence["n_screened_out"] = int(mr.size - kept.size)
        amr = float(np.mean(kept))
    evidence["amr"] = amr
    return amr, evidence

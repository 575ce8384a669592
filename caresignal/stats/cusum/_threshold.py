"""Thresholds ``h`` for a CUSUM: by in-control ARL or by false-alarm probability over a horizon.

Three calibrations, each a named option:

- ``markov`` (default): the Brook-Evans Markov chain with paired rounding (``scaling = 600``, as vlad);
  deterministic, and what vlad's ``racusum_crit_mc`` computes.
- ``simulation``: Monte Carlo charts drawn from the in-control mix (the cusum package's
  ``cusum_limit_sim`` / ``racusum_limit_sim``: the ``1 - alpha`` quantile of the chart's maximum).
- ``exact``: enumeration of every outcome sequence (false-alarm probability only; short horizons).

The ARL counts rows (patients or periods) to a false signal. It is the classical target, but a chart
with ARL 10,000 patients signals falsely once in 10 years at a small trust and every few months at a
large one: for surveillance across trusts of different sizes, set the false-alarm probability over a
fixed calendar horizon instead (Bottle & Aylin 2011), which is what :class:`ThresholdCurve` serves.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.optimize import brentq

from caresignal.domain.errors import OptionError
from caresignal.stats.cusum import _markov, _simulate
from caresignal.stats.cusum._markov import DEFAULT_SCALING, StepDistribution
from caresignal.stats._base import check_choice

CALIBRATIONS = ("markov", "simulation", "exact")
#: Thresholds are searched up to this value (an ARL or false-alarm target beyond it is unreachable).
H_SEARCH_MAX = 200.0
#: Root-finding tolerance on ``h`` (vlad reports h to 4 decimals).
H_TOLERANCE = 1e-6


def _can_signal(steps: StepDistribution) -> None:
    if steps.values.max() <= 0:
        raise OptionError("the chart can never rise in control (no positive score), so no threshold "
                          "gives the target; check the odds ratio and the risks")


def arl_threshold(steps: StepDistribution, arl0: float, calibration: str = "markov", *,
                  scaling: float = DEFAULT_SCALING, n_simulations: int = 2_000, seed: int = 0) -> float:
    """Smallest ``h`` whose in-control ARL (rows from ``S = 0``) is ``arl0``."""
    if not (arl0 > 1):
        raise OptionError(f"arl0 must be greater than 1; got {arl0!r}")
    _can_signal(steps)
    if calibration == "markov":
        rounded = _markov.paired_rounding(steps, scaling)

        def f(h):
            return math.log(_markov.arl_markov(steps, h, scaling, _rounded=rounded)) - math.log(arl0)
    elif calibration == "simulation":
        max_rows = int(50 * arl0) + 1000

        def f(h):
            rl = _simulate.simulate_run_lengths(steps, h, n_simulations, seed, max_rows)
            return math.log(rl.mean()) - math.log(arl0)
    else:
        raise OptionError("calibration 'exact' gives false-alarm probabilities over a horizon, not an "
                          "ARL; use --false-alarm P --horizon N, or calibration 'markov' or 'simulation'")
    lo, hi = 1.0 / scaling, 1.0
    while f(hi) < 0:
        lo, hi = hi, hi * 2
        if hi > H_SEARCH_MAX:
            raise OptionError(f"no threshold below {H_SEARCH_MAX} reaches ARL {arl0}")
    if f(lo) >= 0:
        return lo
    return float(brentq(f, lo, hi, xtol=H_TOLERANCE))


def false_alarm_probability(steps: StepDistribution, threshold: float, horizon: int,
                            calibration: str = "markov", *, scaling: float = DEFAULT_SCALING,
                            n_simulations: int = 10_000, seed: int = 0) -> float:
    """``P0(S_t >= h for some t <= horizon)``: the chance of a false signal within ``horizon`` rows."""
    if calibration == "markov":
        return float(_markov.signal_probability(steps, threshold, int(horizon), scaling))
    if calibration == "simulation":
        top = _simulate.simulate_max(steps, int(horizon), n_simulations, seed)
        return float((top >= threshold).mean())
    if calibration == "exact":
        vals, tail = _simulate.exact_max_distribution(steps, int(horizon))
        i = np.searchsorted(vals, threshold - _simulate.EXACT_MERGE, side="left")
        return float(tail[i]) if i < vals.size else 0.0
    check_choice("calibration", calibration, CALIBRATIONS)
    raise AssertionError(f"calibration {calibration!r} is listed in CALIBRATIONS but not handled")


def false_alarm_threshold(steps: StepDistribution, false_alarm: float, horizon: int,
                          calibration: str = "markov", *, scaling: float = DEFAULT_SCALING,
                          n_simulations: int = 10_000, seed: int = 0) -> float:
    """``h`` such that ``P0(max_{t <= n} S_t >= h) = false_alarm``.

    ``markov``: root of the (continuous) Markov-chain probability. ``simulation``: the
    ``1 - false_alarm`` quantile of simulated maxima (linear interpolation, R's type 7, as the cusum
    package). ``exact``: the smallest value the maximum can take whose exact tail probability is at
    most ``false_alarm`` (the cusum package's ``cusum_limit_exact`` takes the value whose probability
    is *closest* to alpha instead, which can exceed it). Returns ``inf`` when even the largest
    reachable value is too likely (the chart cannot signal that rarely within the horizon).
    """
    if not (0 < false_alarm < 1):
        raise OptionError(f"false_alarm must be between 0 and 1; got {false_alarm!r}")
    horizon = int(horizon)
    if horizon < 1:
        raise OptionError(f"horizon must be at least 1 row; got {horizon}")
    _can_signal(steps)
    if calibration == "simulation":
        top = _simulate.simulate_max(steps, horizon, n_simulations, seed)
        return float(np.quantile(top, 1.0 - false_alarm))
    if calibration == "exact":
        vals, tail = _simulate.exact_max_distribution(steps, horizon)
        ok = np.flatnonzero((tail <= false_alarm) & (vals > 0))
        return float(vals[ok[0]]) if ok.size else float("inf")
    check_choice("calibration", calibration, CALIBRATIONS)
    rounded = _markov.paired_rounding(steps, scaling)
    log_a = math.log(false_alarm)

    def f(h):
        p = float(_markov.signal_probability(steps, h, horizon, scaling, _rounded=rounded))
        return math.log(max(p, 1e-300)) - log_a

    lo, hi = 1.0 / scaling, 1.0
    if f(lo) <= 0:
        return lo
    while f(hi) > 0:
        lo, hi = hi, hi * 2
        if hi > H_SEARCH_MAX:
            return float("inf")
    return float(brentq(f, lo, hi, xtol=H_TOLERANCE))

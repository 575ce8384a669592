"""Calibrated objects in the scikit-learn shape: the constructor stores parameters, ``fit`` validates
them and learns attributes ending in ``_``.

- :class:`LogisticRisk`: a risk model ``logit p = a + b * score`` fitted on phase-I rows (the vlad and
  Steiner et al. 2000 set-up: Parsonnet score, 30-day death).
- :class:`CusumThreshold`: a chart's threshold from its in-control mix (ARL or false-alarm target).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from caresignal.domain.errors import OptionError
from caresignal.stats._base import Result, check_array, check_choice, check_same_length
from caresignal.stats.cusum import _markov, _threshold
from caresignal.stats.cusum._chart import DIRECTIONS, METHODS
from caresignal.stats.cusum._markov import DEFAULT_SCALING
from caresignal.stats.cusum._weights import ZSCORE_REFERENCE_K, check_ratio

#: Newton-Raphson stops when no coefficient moves more than this.
LOGIT_TOLERANCE = 1e-10
LOGIT_MAX_ITER = 100


class NotFittedError(OptionError):
    """A calibrated object was used before ``fit``."""


def check_is_fitted(obj, attribute: str) -> None:
    if not hasattr(obj, attribute):
        raise NotFittedError(f"this {type(obj).__name__} is not fitted yet; call fit() first")


class LogisticRisk:
    """Risk of the outcome from one score: ``logit P(y = 1) = intercept_ + coef_ * score``.

    Maximum likelihood by Newton-Raphson (the same estimate as R's ``glm(y ~ s, binomial)``).
    On the cardiacsurgery phase I (vlad's set-up) it gives ``-3.79049 + 0.079844 * Parsonnet``.
    """

    def __init__(self, max_iter: int = LOGIT_MAX_ITER, tol: float = LOGIT_TOLERANCE):
        self.max_iter = max_iter
        self.tol = tol

    def fit(self, score, outcome) -> "LogisticRisk":
        x = check_array("score", score, min_length=2)
        y = check_array("outcome", outcome, min_length=2)
        check_same_length(score=x, outcome=y)
        if not np.isin(y, (0.0, 1.0)).all():
            raise OptionError("outcome must be 0 or 1 to fit a risk model")
        if y.min() == y.max():
            raise OptionError("the phase-I rows have only one outcome value, so no risk model can be "
                              "fitted; use more phase-I rows or give --probability")
        if x.min() == x.max():
            raise OptionError("the score is constant over the phase-I rows, so it cannot predict risk")
        X = np.column_stack([np.ones_like(x), x])
        beta = np.array([math.log(y.mean() / (1 - y.mean())), 0.0])
        for it in range(self.max_iter):
            eta = X @ beta
            p = 1.0 / (1.0 + np.exp(-eta))
            w = p * (1 - p)
            grad = X.T @ (y - p)
            hess = (X * w[:, None]).T @ X
            try:
                step = np.linalg.solve(hess, grad)
            except np.linalg.LinAlgError:
                raise OptionError("the risk model cannot be fitted (the score separates the "
                                  "outcomes perfectly)") from None
            beta = beta + step
            if np.max(np.abs(step)) < self.tol:
                break
        else:
            raise OptionError("the risk model did not converge (the score may separate the outcomes)")
        self.intercept_ = float(beta[0])
        self.coef_ = float(beta[1])
        self.n_iter_ = it + 1
        eta = X @ beta
        self.log_likelihood_ = float(np.sum(y * eta - np.logaddexp(0.0, eta)))
        return self

    def predict_risk(self, score) -> np.ndarray:
        check_is_fitted(self, "coef_")
        x = check_array("score", score)
        return 1.0 / (1.0 + np.exp(-(self.intercept_ + self.coef_ * x)))


@dataclass(frozen=True)
class ThresholdResult(Result):
    """A calibrated threshold and what it achieves in control."""

    threshold: float
    upper_threshold: float | None
    lower_threshold: float | None
    target: str            # "arl0" or "false_alarm"
    target_value: float
    achieved: float        # in-control ARL or false-alarm probability at ``threshold``
    calibration: str
    method: str
    direction: str
    horizon: int | None
    n_mix: int

    def contract(self) -> dict:
        """What ``caresignal stats cusum-threshold`` prints."""
        return {"threshold": self.to_dict()["threshold"], self.target: self.achieved}

    def summary(self) -> str:
        what = (f"ARL0 {self.achieved:.1f} rows" if self.target == "arl0"
                else f"false-alarm probability {self.achieved:.4f} over {self.horizon} rows")
        return f"h = {self.threshold:.4f} ({self.calibration}, {self.method}, {self.direction}): {what}"


class CusumThreshold:
    """Threshold ``h`` of a CUSUM from its in-control mix (risks of patients, or expected counts).

    Parameters
    ----------
    method : {"bernoulli", "vlad", "poisson", "zscore"}
        ``vlad`` is calibrated as its RA-CUSUM.
    odds_ratio : float
        ``R`` of the upper chart (rate ratio for ``poisson``); the lower chart uses ``1 / R``.
    direction : {"up", "down", "both"}
        With ``both`` one ``h`` serves both charts: each one-sided chart is calibrated to half the
        false-alarm probability (union bound) or twice the ARL (``1/ARL = 1/ARL+ + 1/ARL-``, the usual
        approximation for two one-sided charts), and the larger ``h`` is taken, so the pair meets the
        target conservatively.
    arl0 : float, optional
        Target in-control average run length in rows. Give this or ``false_alarm``.
    false_alarm, horizon : float, int
        Target probability of any false signal within ``horizon`` rows.
    calibration : {"markov", "simulation", "exact"}
    scaling : int, optional
        Markov grid points per unit: default 600 for patient rows (vlad's) and 100 for counts
        (``poisson``, ``zscore`` on counts), whose scores span tens of units.
    n_simulations, random_state : int
        For ``simulation``.
    k : float
        Reference value of the z-score CUSUM.

    Attributes
    ----------
    threshold_ : float
    upper_threshold_, lower_threshold_ : float or None
    achieved_ : float
        In-control ARL or false-alarm probability at ``threshold_`` (same calibration).
    """

    def __init__(self, method: str = "bernoulli", odds_ratio: float = 2.0, direction: str = "up",
                 arl0: float | None = None, false_alarm: float | None = None, horizon: int | None = None,
                 calibration: str = "markov", scaling: int | None = None,
                 n_simulations: int = 10_000, random_state: int = 0, k: float = ZSCORE_REFERENCE_K):
        self.method = method
        self.odds_ratio = odds_ratio
        self.direction = direction
        self.arl0 = arl0
        self.false_alarm = false_alarm
        self.horizon = horizon
        self.calibration = calibration
        self.scaling = scaling
        self.n_simulations = n_simulations
        self.random_state = random_state
        self.k = k

    def _steps(self, upper: bool, risk, expected):
        r = self.odds_ratio if upper else 1.0 / self.odds_ratio
        if self.method in ("bernoulli", "vlad"):
            return _markov.bernoulli_steps(risk, r)
        if self.method == "poisson":
            return _markov.poisson_steps(expected, r)
        if risk is not None:
            return _markov.bernoulli_z_steps(risk, k=self.k, upper=upper)
        return _markov.poisson_steps(expected, score="z", k=self.k, upper=upper)

    def fit(self, risk=None, expected=None) -> "CusumThreshold":
        """Learn the threshold from the in-control mix: ``risk`` (patient rows) or ``expected`` (counts)."""
        check_choice("method", self.method, METHODS)
        check_choice("direction", self.direction, DIRECTIONS)
        check_choice("calibration", self.calibration, _threshold.CALIBRATIONS)
        if self.method != "zscore":
            check_ratio("odds_ratio", self.odds_ratio)
        if (self.arl0 is None) == (self.false_alarm is None):
            raise OptionError("give exactly one target: arl0, or false_alarm with horizon")
        if self.false_alarm is not None and (self.horizon is None or int(self.horizon) < 1):
            raise OptionError("false_alarm needs a horizon (rows) of at least 1")
        if self.method == "poisson" or (self.method == "zscore" and risk is None):
            if expected is None:
                raise OptionError(f"method {self.method!r} needs the expected counts of the phase-I rows")
            mix = check_array("expected", expected, min_length=1, nonnegative=True)
            risk = None
        else:
            if risk is None:
                raise OptionError(f"method {self.method!r} needs the risks of the phase-I rows")
            mix = check_array("risk", risk, min_length=1)
            if ((mix < 0) | (mix > 1)).any():
                raise OptionError("risks must be probabilities between 0 and 1")
            risk = mix
        counts = risk is None
        self.scaling_ = (self.scaling if self.scaling is not None
                         else _markov.COUNT_SCALING if counts else DEFAULT_SCALING)
        sides = {"up": (True,), "down": (False,), "both": (True, False)}[self.direction]
        both = len(sides) == 2
        found = {}
        for upper in sides:
            steps = self._steps(upper, risk, expected if risk is None else None)
            if self.arl0 is not None:
                target = float(self.arl0) * (2 if both else 1)
                found[upper] = (steps, _threshold.arl_threshold(
                    steps, target, self.calibration, scaling=self.scaling_,
                    n_simulations=min(self.n_simulations, 2_000), seed=self.random_state))
            else:
                target = float(self.false_alarm) / (2 if both else 1)
                found[upper] = (steps, _threshold.false_alarm_threshold(
                    steps, target, int(self.horizon), self.calibration, scaling=self.scaling_,
                    n_simulations=self.n_simulations, seed=self.random_state))
        h = max(v[1] for v in found.values())
        self.upper_threshold_ = found[True][1] if True in found else None
        self.lower_threshold_ = found[False][1] if False in found else None
        self.threshold_ = h
        self.achieved_ = self._achieved(found, h)
        self.n_mix_ = int(mix.size)
        return self

    def _achieved(self, found, h) -> float:
        if not math.isfinite(h):
            return 0.0 if self.arl0 is None else float("inf")
        if self.arl0 is not None:
            rates = []
            for steps, _ in found.values():
                if self.calibration == "simulation":
                    from caresignal.stats.cusum._simulate import simulate_run_lengths
                    arl = float(simulate_run_lengths(steps, h, min(self.n_simulations, 2_000),
                                                     self.random_state,
                                                     int(50 * float(self.arl0)) + 1000).mean())
                else:
                    arl = _markov.arl_markov(steps, h, self.scaling_)
                rates.append(1.0 / arl)
            return 1.0 / sum(rates)
        probs = [_threshold.false_alarm_probability(steps, h, int(self.horizon), self.calibration,
                                                    scaling=self.scaling_,
                                                    n_simulations=self.n_simulations,
                                                    seed=self.random_state)
                 for steps, _ in found.values()]
        return min(1.0, sum(probs))

    def result(self) -> ThresholdResult:
        check_is_fitted(self, "threshold_")
        target = "arl0" if self.arl0 is not None else "false_alarm"
        return ThresholdResult(
            threshold=self.threshold_, upper_threshold=self.upper_threshold_,
            lower_threshold=self.lower_threshold_, target=target,
            target_value=float(self.arl0 if self.arl0 is not None else self.false_alarm),
            achieved=self.achieved_, calibration=self.calibration, method=self.method,
            direction=self.direction, horizon=None if self.horizon is None else int(self.horizon),
            n_mix=self.n_mix_)

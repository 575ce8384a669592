"""One logistic model per group, fitted on covariate-pattern aggregates, and its predictions per pattern.

The input is the small table the engine returns from ``GROUP BY pattern``: one row per pattern key with
``n`` (spells) and ``d`` (events). Each group's model is fitted by :func:`.logistic.fit_binomial` after
:func:`.logistic.merge_sparse_levels`; :class:`GroupModel` keeps what it learned and how (merged levels,
penalty), and predicts the probability of any pattern key, including keys of months outside the fit
window (for the CUSUM, whose model is fitted before the months it monitors).
"""

from __future__ import annotations

import functools
import gc
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.special import expit
from threadpoolctl import threadpool_limits

from caresignal.engine import smoothing
from caresignal.engine.covariates import PatternSpec
from caresignal.engine.diagnostics import c_statistic, calibration_by_decile
from caresignal.engine.logistic import (RIDGE_LAMBDA, BinomialFit, LevelMap, column_names, design_matrix,
                                        fit_binomial, information, merge_sparse_levels)

YEAR_FACTOR = "year_index"
# Fitting many models in one loop holds memory in temporaries unless collected now and then.
GC_EVERY = 50
# Each fit's matrices are tiny (tens of columns): BLAS threads only spin and contend for the two cores
# (measured on a synthetic England: 4.4 s of CPU for the fits with OpenBLAS threads, 2.5 s with one).


def one_blas_thread(func):
    """Run ``func`` with BLAS limited to one thread (loops of many small fits)."""
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with threadpool_limits(limits=1, user_api="blas"):
            return func(*args, **kwargs)
    return wrapper


@dataclass(frozen=True)
class GroupModel:
    """The fitted model of one group (diagnosis group, or the single model of a family).

    ``handling`` says how separation was dealt with: ``none``, ``merged`` (sparse levels merged),
    ``penalised`` (ridge), ``merged+penalised``, or ``no_events``/``all_events`` (constant risk).
    """

    group: int
    maps: tuple[LevelMap, ...]
    coef: np.ndarray
    names: tuple[str, ...]
    handling: str
    penalty: float
    iterations: int
    converged: bool
    n: float
    events: float
    n_patterns: int
    c_statistic: float
    calibration: pd.DataFrame
    year_shift: np.ndarray | None = None  # log-odds shift per year code (see year_shifts), or None
    year_column: int | None = None
    smoothing: dict | None = None  # lambda of each smoothed factor's penalty (see .smoothing)
    edf: float = float("nan")  # effective degrees of freedom of the fit

    @property
    def merges(self) -> list[str]:
        return [f"{m.name}: {a} -> {b}" for m in self.maps for a, b in m.merges]

    def predict_codes(self, codes: np.ndarray) -> np.ndarray:
        if self.handling in ("no_events", "all_events"):
            return np.full(codes.shape[0], 0.0 if self.handling == "no_events" else 1.0)
        eta = design_matrix(codes, list(self.maps)) @ self.coef
        if self.year_shift is not None:
            eta = eta + self.year_shift[codes[:, self.year_column]]
        return expit(eta)

    def diagnostics(self) -> dict:
        """Plain values for the store and reports."""
        return {
            "group": self.group, "n": self.n, "events": self.events, "patterns": self.n_patterns,
            "parameters": len(self.coef), "effective_df": self.edf, "smoothing": self.smoothing,
            "handling": self.handling, "penalty": self.penalty,
            "merged_levels": self.merges, "iterations": self.iterations, "converged": self.converged,
            "c_statistic": self.c_statistic,
            "calibration": self.calibration.to_dict(orient="records"),
        }


def _smoothed_fit(x, d: np.ndarray, n: np.ndarray, units: dict[str, np.ndarray],
                  ridge: float) -> tuple[BinomialFit, dict[str, float], float]:
    """Fit with smoothing strengths chosen by marginal likelihood; returns ``(fit, lambdas, edf)``.

    A pilot fit at ``PILOT_LAMBDA`` for every smoothed factor (loose tolerance); around it
    :func:`.smoothing.select_strengths` picks one lambda per factor; the fit is redone there to full
    tolerance (from the approximation's coefficients, so in a few Newton steps); the choice is then
    checked around that fit and, if any lambda moved by more than a factor of two, made and fitted once
    more.
    """
    k = x.shape[1]
    fixed = np.diag(np.r_[0.0, np.full(k - 1, ridge)])
    if not units:
        fit = fit_binomial(x, d, n, penalty=ridge)
        return fit, {}, smoothing.effective_df(fit.cov, fixed)
    names, mats = list(units), list(units.values())
    lams = np.full(len(mats), smoothing.PILOT_LAMBDA)

    def total(lam):
        return sum(lv * m for lv, m in zip(lam, mats))

    # The pilot only anchors the approximation, so a loose tolerance will do.
    fit = fit_binomial(x, d, n, penalty=ridge, penalty_matrix=total(lams), tol=smoothing.PILOT_TOLERANCE)
    if fit.separated and ridge == 0:
        return fit, {}, float("nan")  # running off to infinity already: the caller refits with a ridge
    for round_ in range(smoothing.SELECTION_ROUNDS):
        loglik, grad, hess = information(x, d, n, fit.coef)
        new, start = smoothing.select_strengths(hess, grad, fit.coef, loglik, mats, fixed, lams)
        if new is None or (round_ > 0 and np.all(np.abs(np.log(new / lams)) <= np.log(2.0))):
            break  # confirmed around the refit (or no usable information): keep the fit we have
        lams = new
        fit = fit_binomial(x, d, n, penalty=ridge, penalty_matrix=total(lams), start=start,
                           tol=smoothing.SMOOTHED_TOLERANCE)
    return fit, dict(zip(names, lams.tolist())), smoothing.effective_df(fit.cov, fixed + total(lams))


def fit_group(group: int, codes: np.ndarray, d: np.ndarray, n: np.ndarray, spec: PatternSpec, *,
              smooth: bool = True) -> GroupModel:
    """Fit one group's model on its pattern counts (``codes`` as from :meth:`PatternSpec.decode`).

    ``smooth``: level effects of ordered factors (age, Charlson, birthweight) and of the month are
    smoothed with a strength chosen from the data (:mod:`.smoothing`); ``False`` gives the plain
    maximum likelihood fit (as SHMI fits it on national data, and as statsmodels ``Logit`` does).
    """
    total_n, total_d = float(n.sum()), float(d.sum())
    if total_d == 0 or total_d == total_n:
        handling = "no_events" if total_d == 0 else "all_events"
        p = np.full(len(n), 0.0 if total_d == 0 else 1.0)
        return GroupModel(group, (), np.zeros(0), (), handling, 0.0, 0, True, total_n, total_d, len(n),
                          float("nan"), calibration_by_decile(p, d, n))
    maps = [merge_sparse_levels(f.name, f.labels, f.ordered, codes[:, j], d, n)
            for j, f in enumerate(spec.factors)]
    merged = any(m.merges for m in maps)
    x = design_matrix(codes, maps)
    units = smoothing.penalty_matrices(maps, spec.factors, x.shape[1]) if smooth else {}
    fit, lam, edf = _smoothed_fit(x, d, n, units, 0.0)
    handling = "merged" if merged else "none"
    if fit.separated:
        fit, lam, edf = _smoothed_fit(x, d, n, units, RIDGE_LAMBDA)
        handling = "merged+penalised" if merged else "penalised"
    eta = x @ fit.coef
    shift = None
    year = [j for j, f in enumerate(spec.factors) if f.name == YEAR_FACTOR]
    if year and (maps[year[0]].merges or fit.penalty > 0):
        j = year[0]
        shift = year_shifts(eta, codes[:, j], d, n, spec.factors[j].n_levels)
        eta = eta + shift[codes[:, j]]
        handling += "+year-calibrated"
    p = expit(eta)
    return GroupModel(group, tuple(maps), fit.coef, tuple(column_names(maps)), handling, fit.penalty,
                      fit.iterations, fit.converged, total_n, total_d, len(n), c_statistic(p, d, n),
                      calibration_by_decile(p, d, n), shift, year[0] if year else None, lam, edf)


def year_shifts(eta: np.ndarray, year: np.ndarray, d: np.ndarray, n: np.ndarray, n_years: int) -> np.ndarray:
    """Log-odds shift per year level so that each year's expected equals its observed exactly.

    When a year level was merged (no deaths in it) or the fit was penalised, the score equation of
    that year no longer holds and national observed would differ from expected in that year. The
    unpenalised MLE of a year effect, given the other coefficients, solves
    :math:`\sum_{i \in y} n_i\,\mathrm{expit}(\eta_i + \delta_y) = \sum_{i \in y} d_i`, which we solve
    by Newton's method per year (:math:`\delta_y = -\infty` when the year has no deaths: its risk is 0).
    """
    shift = np.zeros(n_years)
    for y in range(n_years):
        m = year == y
        if not m.any():
            continue
        target = d[m].sum()
        if target == 0:
            shift[y] = -np.inf
            continue
        if target == n[m].sum():
            shift[y] = np.inf
            continue
        delta = 0.0
        for _ in range(100):
            p = expit(eta[m] + delta)
            f = (n[m] * p).sum() - target
            slope = (n[m] * p * (1 - p)).sum()
            step = f / slope
            delta -= step
            if abs(step) < 1e-12:
                break
        shift[y] = delta
    return shift


@dataclass(frozen=True)
class ModelSet:
    """The fitted models of a family (one per group) and the pattern spec they share."""

    spec: PatternSpec
    models: dict[int, GroupModel]

    def predict(self, keys: np.ndarray) -> np.ndarray:
        """Probability for each pattern key; keys of a group without a model get NaN."""
        keys = np.asarray(keys, dtype=np.int64)
        group, codes = self.spec.decode(keys)
        out = np.full(keys.size, np.nan)
        order = np.argsort(group, kind="stable")
        bounds = np.flatnonzero(np.diff(group[order])) + 1
        for chunk in np.split(order, bounds):
            if chunk.size == 0:
                continue
            m = self.models.get(int(group[chunk[0]]))
            if m is not None:
                out[chunk] = m.predict_codes(codes[chunk])
        return out

    def diagnostics(self) -> pd.DataFrame:
        """One row per model: size, separation handling, c-statistic (calibration kept per model)."""
        rows = []
        for g, m in sorted(self.models.items()):
            rows.append({"group": g, "n": m.n, "events": m.events, "patterns": m.n_patterns,
                         "parameters": len(m.coef), "effective_df": m.edf, "handling": m.handling,
                         "merged_levels": "; ".join(m.merges), "converged": m.converged,
                         "iterations": m.iterations, "c_statistic": m.c_statistic})
        return pd.DataFrame(rows)


@one_blas_thread
def fit_models(aggregates: pd.DataFrame, spec: PatternSpec, *, progress=None, smooth: bool = True) -> ModelSet:
    """Fit every group's model from a pattern table with columns ``pattern``, ``n``, ``d``.

    Rows are sorted by pattern key first, so the result does not depend on the order the backend
    returned them in (DuckDB and Spark give identical models).
    """
    agg = aggregates.sort_values("pattern", kind="stable")
    keys = agg["pattern"].to_numpy(dtype=np.int64)
    n_all = agg["n"].to_numpy(dtype=float)
    d_all = agg["d"].to_numpy(dtype=float)
    group, codes = spec.decode(keys)
    bounds = np.flatnonzero(np.diff(group)) + 1
    starts = np.concatenate([[0], bounds])
    ends = np.concatenate([bounds, [len(keys)]])
    models: dict[int, GroupModel] = {}
    for i, (s, e) in enumerate(zip(starts, ends)):
        if e <= s:
            continue
        g = int(group[s])
        models[g] = fit_group(g, codes[s:e], d_all[s:e], n_all[s:e], spec, smooth=smooth)
        if progress is not None:
            progress(1)
        if (i + 1) % GC_EVERY == 0:
            gc.collect()
    return ModelSet(spec, models)

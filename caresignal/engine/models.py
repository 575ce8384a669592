"""One logistic model per group, fitted on covariate-pattern aggregates, and its predictions per pattern.

The input is the small table the engine returns from ``GROUP BY pattern``: one row per pattern key with
``n`` (spells) and ``d`` (events). Each group's model is fitted by :func:`.logistic.fit_binomial` after
:func:`.logistic.merge_sparse_levels`; :class:`GroupModel` keeps what it learned and how (merged levels,
penalty), and predicts the probability of any pattern key, including keys of months outside the fit
window (for the CUSUM, whose model is fitted before the months it monitors).
"""

from __future__ import annotations

import gc
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.special import expit

from caresignal.engine.covariates import PatternSpec
from caresignal.engine.diagnostics import c_statistic, calibration_by_decile
from caresignal.engine.logistic import (RIDGE_LAMBDA, LevelMap, column_names, design_matrix,
                                        fit_binomial, merge_sparse_levels)

YEAR_FACTOR = "year_index"
# Fitting many models in one loop holds memory in temporaries unless collected now and then.
GC_EVERY = 50


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
            "parameters": len(self.coef), "handling": self.handling, "penalty": self.penalty,
            "merged_levels": self.merges, "iterations": self.iterations, "converged": self.converged,
            "c_statistic": self.c_statistic,
            "calibration": self.calibration.to_dict(orient="records"),
        }


def fit_group(group: int, codes: np.ndarray, d: np.ndarray, n: np.ndarray, spec: PatternSpec) -> GroupModel:
    """Fit one group's model on its pattern counts (``codes`` as from :meth:`PatternSpec.decode`)."""
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
    fit = fit_binomial(x, d, n)
    handling = "merged" if merged else "none"
    if fit.separated:
        fit = fit_binomial(x, d, n, penalty=RIDGE_LAMBDA)
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
                      calibration_by_decile(p, d, n), shift, year[0] if year else None)


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
                         "parameters": len(m.coef), "handling": m.handling,
                         "merged_levels": "; ".join(m.merges), "converged": m.converged,
                         "iterations": m.iterations, "c_statistic": m.c_statistic})
        return pd.DataFrame(rows)


def fit_models(aggregates: pd.DataFrame, spec: PatternSpec, *, progress=None) -> ModelSet:
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
        models[g] = fit_group(g, codes[s:e], d_all[s:e], n_all[s:e], spec)
        if progress is not None:
            progress(1)
        if (i + 1) % GC_EVERY == 0:
            gc.collect()
    return ModelSet(spec, models)

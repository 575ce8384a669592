"""Smoothed level effects: the penalty's null space, the penalised fit, and the choice of its strength."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import minimize
from scipy.special import expit

from caresignal.engine import smoothing
from caresignal.engine.covariates import (ADMISSION_MONTH, AGE_GROUP, BIRTHWEIGHT_GROUP, SEX, PatternSpec,
                                          year_index_factor)
from caresignal.engine.logistic import design_matrix, fit_binomial, information, merge_sparse_levels
from caresignal.engine.models import fit_group


def test_second_differences_vanish_on_straight_lines_and_cyclic_ones_on_constants_only():
    d = smoothing.difference_matrix(6)
    assert d.shape == (4, 6)
    assert np.allclose(d @ (2.0 + 0.7 * np.arange(6)), 0)
    assert not np.allclose(d @ np.arange(6) ** 2, 0)
    c = smoothing.difference_matrix(12, cyclic=True)
    assert c.shape == (12, 12)
    assert np.allclose(c @ np.full(12, 3.0), 0)
    assert np.linalg.matrix_rank(c) == 11  # a line does not wrap round: only constants are free
    assert smoothing.difference_matrix(2).shape == (0, 2)


def _maps(codes, d, n, factors):
    return [merge_sparse_levels(f.name, f.labels, f.ordered, codes[:, j], d, n) for j, f in enumerate(factors)]


def test_penalty_is_zero_for_level_effects_on_a_line_and_ignores_missing_birthweight():
    factors = (AGE_GROUP, BIRTHWEIGHT_GROUP)
    levels = np.array([[a, b] for a in range(20) for b in range(14)])
    ones = np.ones(len(levels))
    maps = _maps(levels, ones, 2 * ones, factors)
    x = design_matrix(levels, maps)
    units = smoothing.penalty_matrices(maps, factors, x.shape[1])
    assert set(units) == {"age_group", "birthweight_group"}
    # equal counts: every reference is level 0 (ties go to the first), so column j is level j + 1
    assert maps[0].reference == 0 and maps[1].reference == 0
    beta = np.zeros(x.shape[1])
    beta[1:20] = 0.3 * np.arange(1, 20)  # age on a line
    beta[20:] = 1.0 - 0.5 * np.arange(1, 14)  # birthweight on a line; 'missing' (reference) off it
    assert beta @ units["age_group"] @ beta == pytest.approx(0, abs=1e-12)
    assert beta @ units["birthweight_group"] @ beta == pytest.approx(0, abs=1e-12)
    beta[25] += 0.2  # one birthweight band off the line
    assert beta @ units["birthweight_group"] @ beta == pytest.approx(0.2 ** 2 * (1 + 4 + 1))


def _rows(seed, n, eta_of):
    rng = np.random.default_rng(seed)
    age = rng.integers(1, 20, n)
    month = rng.integers(0, 12, n)
    sex = rng.integers(0, 2, n)
    y = (rng.random(n) < expit(eta_of(age, month, sex))).astype(float)
    return np.column_stack([age, sex, month]), y


FACTORS = (AGE_GROUP, SEX, ADMISSION_MONTH)


def _aggregate(codes, y):
    frame = pd.DataFrame(codes, columns=["a", "s", "m"]).assign(y=y)
    agg = frame.groupby(["a", "s", "m"]).agg(n=("y", "size"), d=("y", "sum")).reset_index()
    return agg[["a", "s", "m"]].to_numpy(), agg["d"].to_numpy(float), agg["n"].to_numpy(float)


def test_penalised_aggregate_fit_equals_penalised_fit_on_rows():
    """The aggregate Newton fit with a smoothing penalty against an independent optimiser (BFGS) on the
    row-level penalised log-likelihood: binomial aggregation stays exact under a quadratic penalty."""
    codes, y = _rows(1, 6000, lambda a, m, s: -3 + 0.15 * a + 0.3 * np.cos(2 * np.pi * m / 12) + 0.2 * s)
    c, d, n = _aggregate(codes, y)
    maps = _maps(c, d, n, FACTORS)
    x = design_matrix(c, maps)
    units = smoothing.penalty_matrices(maps, FACTORS, x.shape[1])
    pen = 4.0 * units["age_group"] + 30.0 * units["admission_month"]
    fit = fit_binomial(x, d, n, penalty_matrix=pen)
    xr = design_matrix(codes, maps).toarray()

    def negative(b):
        eta = xr @ b
        return -(y @ eta - np.logaddexp(0, eta).sum()) + 0.5 * b @ pen @ b

    def gradient(b):
        return -(xr.T @ (y - expit(xr @ b))) + pen @ b

    ref = minimize(negative, np.zeros(x.shape[1]), jac=gradient, method="BFGS", options={"gtol": 1e-9})
    assert fit.converged
    np.testing.assert_allclose(fit.coef, ref.x, atol=1e-5)


def _exact_laml(x, d, n, unit, lam):
    """The Laplace-approximate marginal likelihood at the exact penalised mode (no quadratic shortcut)."""
    fit = fit_binomial(x, d, n, penalty_matrix=lam * unit)
    ll, _, hess = information(x, d, n, fit.coef)
    rank = np.linalg.matrix_rank(unit)
    return (ll - 0.5 * lam * fit.coef @ unit @ fit.coef + 0.5 * rank * np.log(lam)
            - 0.5 * np.linalg.slogdet(hess + lam * unit)[1])


def test_chosen_strength_matches_the_exact_marginal_likelihood_choice():
    codes, y = _rows(2, 4000, lambda a, m, s: -3 + 0.2 * a - 0.02 * (a - 10) ** 2)
    c, d, n = _aggregate(codes, y)
    factors = (AGE_GROUP, SEX)
    c = c[:, :2]
    frame = pd.DataFrame(c, columns=["a", "s"]).assign(d=d, n=n).groupby(["a", "s"]).sum().reset_index()
    c, d, n = frame[["a", "s"]].to_numpy(), frame["d"].to_numpy(float), frame["n"].to_numpy(float)
    maps = _maps(c, d, n, factors)
    x = design_matrix(c, maps)
    unit = smoothing.penalty_matrices(maps, factors, x.shape[1])["age_group"]
    grid = smoothing.LAMBDA_GRID
    exact = np.array([_exact_laml(x, d, n, unit, lam) for lam in grid])
    pilot = fit_binomial(x, d, n, penalty_matrix=unit)
    ll, grad, hess = information(x, d, n, pilot.coef)
    lams, _ = smoothing.select_strengths(hess, grad, pilot.coef, ll, [unit], np.zeros_like(unit), np.ones(1))
    chosen = int(np.flatnonzero(grid == lams[0])[0])
    # within one grid step (a factor of 1.6) of the exact argmax, or as good to 0.1 log-likelihood units
    assert abs(chosen - int(np.argmax(exact))) <= 1 or exact.max() - exact[chosen] < 0.1


def test_linear_truth_with_few_deaths_is_smoothed_to_a_line_and_curvature_with_many_is_kept():
    spec = PatternSpec(FACTORS, 1)

    def fit(seed, rows, eta_of):
        codes, y = _rows(seed, rows, eta_of)
        c, d, n = _aggregate(codes, y)
        return fit_group(0, c, d, n, spec)

    few = fit(3, 3000, lambda a, m, s: -3.5 + 0.12 * a)  # ~100 deaths
    assert few.smoothing["age_group"] >= 1e3 and few.smoothing["admission_month"] >= 1e3
    assert few.edf < 8  # of 31 columns
    bowl = lambda a, m, s: -4 + 0.04 * (a - 10) ** 2  # noqa: E731 - a U shape in age
    many = fit(4, 200_000, bowl)
    assert many.smoothing["age_group"] <= few.smoothing["age_group"] / 20
    ages = np.arange(1, 20)
    codes = np.column_stack([ages, np.zeros_like(ages), np.zeros_like(ages)])
    fitted = np.log(many.predict_codes(codes) / (1 - many.predict_codes(codes)))
    truth = bowl(ages, 0, 0)
    np.testing.assert_allclose(fitted - fitted.mean(), truth - truth.mean(), atol=0.15)


def test_observed_equals_expected_in_every_year_under_smoothing():
    """Intercept and year index are not penalised, so their score equations hold: O = E per year."""
    factors = (AGE_GROUP, ADMISSION_MONTH, year_index_factor(3))
    spec = PatternSpec(factors, 1)
    rng = np.random.default_rng(6)
    rows = 20_000
    c = np.column_stack([rng.integers(1, 20, rows), rng.integers(0, 12, rows), rng.integers(0, 3, rows)])
    y = (rng.random(rows) < expit(-3 + 0.1 * c[:, 0] + 0.2 * (c[:, 2] == 1))).astype(float)
    frame = pd.DataFrame(c, columns=["a", "m", "y3"]).assign(d=y, n=1.0).groupby(["a", "m", "y3"]).sum()
    frame = frame.reset_index()
    codes = frame[["a", "m", "y3"]].to_numpy()
    d, n = frame["d"].to_numpy(float), frame["n"].to_numpy(float)
    model = fit_group(0, codes, d, n, spec)
    assert model.smoothing and model.year_shift is None  # no recalibration was needed
    p = model.predict_codes(codes)
    for year in range(3):
        m = codes[:, 2] == year
        assert (n[m] * p[m]).sum() == pytest.approx(d[m].sum(), rel=1e-8)


def test_smoothing_off_is_the_plain_maximum_likelihood_fit():
    codes, y = _rows(7, 5000, lambda a, m, s: -3 + 0.1 * a)
    c, d, n = _aggregate(codes, y)
    spec = PatternSpec(FACTORS, 1)
    plain = fit_group(0, c, d, n, spec, smooth=False)
    maps = _maps(c, d, n, FACTORS)
    mle = fit_binomial(design_matrix(c, maps), d, n)
    np.testing.assert_allclose(plain.coef, mle.coef, atol=1e-10)
    assert plain.smoothing == {} and plain.edf == pytest.approx(len(plain.coef), rel=1e-6)

"""The aggregate logistic fit against statsmodels on rows, separation handling, and the diagnostics."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy.special import expit

from caresignal.engine.covariates import CHARLSON_GROUP, SEX, Factor, PatternSpec
from caresignal.engine.diagnostics import c_statistic, calibration_by_decile
from caresignal.engine.logistic import design_matrix, fit_binomial, merge_sparse_levels
from caresignal.engine.models import fit_models

# The agreement target between the pattern fit and the row-by-row statsmodels Logit.
COEF_TOLERANCE = 1e-6


def _rows(seed=3, n=20_000):
    rng = np.random.default_rng(seed)
    a = rng.integers(0, 5, n)
    b = rng.integers(0, 3, n)
    eta = -2 + 0.4 * a - 0.5 * (b == 2) + 0.3 * (b == 1)
    y = (rng.random(n) < expit(eta)).astype(float)
    return a, b, y


def test_aggregate_fit_equals_row_level_statsmodels_logit():
    a, b, y = _rows()
    codes = np.column_stack([a, b])
    frame = pd.DataFrame({"a": a, "b": b, "y": y})
    agg = frame.groupby(["a", "b"]).agg(n=("y", "size"), d=("y", "sum")).reset_index()
    maps = [merge_sparse_levels("a", tuple("01234"), True, agg["a"].to_numpy(), agg["d"].to_numpy(),
                                agg["n"].to_numpy()),
            merge_sparse_levels("b", tuple("012"), False, agg["b"].to_numpy(), agg["d"].to_numpy(),
                                agg["n"].to_numpy())]
    fit = fit_binomial(design_matrix(agg[["a", "b"]].to_numpy(), maps), agg["d"], agg["n"])
    row_fit = sm.Logit(y, design_matrix(codes, maps).toarray()).fit(disp=0, tol=1e-12)
    assert fit.converged
    np.testing.assert_allclose(fit.coef, row_fit.params, rtol=0, atol=COEF_TOLERANCE)
    np.testing.assert_allclose(np.sqrt(np.diag(fit.cov)), row_fit.bse, rtol=1e-6)


def test_sparse_ordered_level_merges_into_neighbour_and_nominal_into_largest():
    codes = np.array([0, 1, 2, 3])
    d = np.array([0, 5, 9, 4])
    n = np.array([10, 50, 90, 40])
    m = merge_sparse_levels("age", ("a", "b", "c", "d"), True, codes, d, n)
    assert m.merges == (("a", "b"),)
    assert m.mapping.tolist() == [0, 0, 1, 2]
    m = merge_sparse_levels("kind", ("a", "b", "c", "d"), False, codes, d, n)
    assert m.merges == (("a", "c"),)
    assert m.mapping[0] == m.mapping[2]


def test_sparse_nominal_level_merges_into_the_level_with_the_nearest_rate():
    # Day cases (no deaths) in a mostly emergency group: merging into the most populous level
    # (emergency, 8%) would give them the emergency risk; the nearest rate is elective (1%).
    codes = np.array([0, 1, 2])
    m = merge_sparse_levels("method", ("elective", "emergency", "day_case"), False, codes,
                            np.array([2, 80, 0]), np.array([200, 1000, 300]))
    assert m.merges == (("day_case", "elective"),)
    assert m.mapping[2] == m.mapping[0] != m.mapping[1]


def test_all_death_level_is_sparse_too():
    m = merge_sparse_levels("x", ("a", "b", "c"), True, np.array([0, 1, 2]), np.array([3, 5, 7]),
                            np.array([30, 50, 7]))
    assert m.merges == (("c", "b"),)


def _spec(*factors):
    return PatternSpec(tuple(factors), 2)


def test_separation_is_merged_and_reported_and_coefficients_stay_finite():
    # Charlson 8+ has spells but no deaths in group 1: the unpenalised MLE would run off to -infinity.
    spec = _spec(SEX, CHARLSON_GROUP)
    rng = np.random.default_rng(5)
    rows = []
    for sex in (0, 1):
        for ch in range(8):
            n = 200
            d = 0 if ch == 7 else int(rng.binomial(n, 0.1 + 0.02 * ch))
            rows.append((spec.encode(np.array([1]), np.array([[sex, ch]]))[0], n, d))
    agg = pd.DataFrame(rows, columns=["pattern", "n", "d"])
    model = fit_models(agg, spec).models[1]
    assert model.handling == "merged"
    assert model.merges == ["charlson_group: 8+ -> 6-7"]
    assert np.all(np.abs(model.coef) < 5)
    # observed equals expected within every kept level, as the score equations require
    p = model.predict_codes(spec.decode(agg["pattern"].to_numpy())[1])
    assert abs((agg["n"] * p).sum() - agg["d"].sum()) < 1e-8


def test_quasi_separation_on_a_combination_falls_back_to_a_penalised_fit():
    # Every level has deaths and survivors, yet the direction b0 = -t, b_F = b_x1 = t separates:
    # (M, x0) has only survivors, (F, x1) only deaths, the two mixed cells sit at eta = 0.
    x_factor = Factor("x", ("0", "1"), False, lambda t: t.x)
    spec = _spec(SEX, x_factor)
    agg = pd.DataFrame({"pattern": spec.encode(np.array([1] * 4), np.array([[0, 0], [0, 1], [1, 0], [1, 1]])),
                        "n": [100, 100, 100, 100], "d": [0, 50, 50, 100]})
    model = fit_models(agg, spec).models[1]
    assert model.merges == []
    assert model.handling == "penalised"
    assert model.penalty > 0
    assert np.all(np.isfinite(model.coef)) and np.all(np.abs(model.coef) < 10)


def test_group_without_deaths_has_zero_expected():
    spec = _spec(SEX)
    agg = pd.DataFrame({"pattern": spec.encode(np.array([1, 1]), np.array([[0], [1]])), "n": [50, 60],
                        "d": [0, 0]})
    model = fit_models(agg, spec).models[1]
    assert model.handling == "no_events"
    assert model.predict_codes(np.array([[0], [1]])).tolist() == [0.0, 0.0]


def test_c_statistic_equals_pairwise_count_with_ties():
    rng = np.random.default_rng(9)
    p = rng.choice([0.1, 0.2, 0.3, 0.5], 400)
    y = (rng.random(400) < p).astype(float)
    pos, neg = p[y == 1], p[y == 0]
    pairs = (pos[:, None] > neg[None, :]).sum() + 0.5 * (pos[:, None] == neg[None, :]).sum()
    expected = pairs / (len(pos) * len(neg))
    assert c_statistic(p, y, np.ones_like(y)) == pytest.approx(expected, abs=1e-12)
    # the same points aggregated into patterns give the same value
    frame = pd.DataFrame({"p": p, "y": y}).groupby("p").agg(d=("y", "sum"), n=("y", "size")).reset_index()
    assert c_statistic(frame["p"], frame["d"], frame["n"]) == pytest.approx(expected, abs=1e-12)


def test_calibration_deciles_cover_every_spell_and_event():
    rng = np.random.default_rng(2)
    p = rng.random(1000) * 0.3
    d = (rng.random(1000) < p).astype(float)
    cal = calibration_by_decile(p, d, np.ones(1000))
    assert len(cal) == 10
    assert cal["n"].sum() == 1000 and cal["observed"].sum() == d.sum()
    assert cal["expected"].sum() == pytest.approx(p.sum())
    assert (np.diff(cal["mean_risk"]) > 0).all()
    assert cal["n"].min() == 100

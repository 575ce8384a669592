"""Cross-fitted c-statistic (engine.crossfit): folds by patient, out-of-fold scoring, and its honesty."""

from __future__ import annotations

import ibis
import numpy as np
import pandas as pd
import pytest
from scipy.special import expit

from caresignal.domain.errors import OptionError
from caresignal.engine.covariates import Factor, PatternSpec
from caresignal.engine.crossfit import (aggregate_pattern_folds, cross_validated_c_statistic,
                                        with_patient_fold)
from caresignal.engine.diagnostics import c_statistic
from caresignal.engine.models import fit_group, fit_models

FOLDS = 5


def _spec(n_noise: int) -> PatternSpec:
    """One real factor (5 ordered levels) and ``n_noise`` nominal 4-level factors with no effect."""
    real = Factor("real", tuple("abcde"), True, lambda t: t.real)
    noise = tuple(Factor(f"noise{j}", tuple("wxyz"), False, lambda t, j=j: t[f"noise{j}"])
                  for j in range(n_noise))
    return PatternSpec((real,) + noise, 1)


def _world(spec: PatternSpec, n=6_000, seed=5):
    rng = np.random.default_rng(seed)
    codes = np.column_stack([rng.integers(0, f.n_levels, n) for f in spec.factors])
    risk = expit(-3.2 + 0.5 * codes[:, 0])
    died = (rng.random(n) < risk).astype(int)
    patient = rng.integers(1, n // 2, n)  # patients recur: about two spells each
    return pd.DataFrame({"pattern": spec.encode(np.zeros(n, dtype=np.int64), codes), "died": died,
                         "patient_id": patient, "risk": risk})


def _fold_aggregates(rows: pd.DataFrame) -> pd.DataFrame:
    t = with_patient_fold(ibis.memtable(rows), FOLDS)
    return ibis.duckdb.connect().execute(aggregate_pattern_folds(t))


def test_folds_keep_every_patient_on_one_side():
    rows = _world(_spec(1))
    t = with_patient_fold(ibis.memtable(rows), FOLDS)
    out = ibis.duckdb.connect().execute(t)
    assert (out.groupby("patient_id")["fold"].nunique() == 1).all()
    assert sorted(out["fold"].unique()) == list(range(FOLDS))
    with pytest.raises(OptionError):
        with_patient_fold(ibis.memtable(rows), 1)


def test_each_fold_is_scored_by_a_model_fitted_without_it():
    spec = _spec(1)
    agg = _fold_aggregates(_world(spec))
    cv = cross_validated_c_statistic(agg, spec)
    # Recompute by hand: each fold scored, within itself, by a model fitted on the other folds' patterns.
    per_fold = []
    for k in range(FOLDS):
        train = agg[agg["fold"] != k].groupby("pattern", as_index=False)[["n", "d"]].sum()
        model = fit_group(0, spec.decode(train["pattern"].to_numpy())[1], train["d"].to_numpy(float),
                          train["n"].to_numpy(float), spec)
        test = agg[agg["fold"] == k]
        p = model.predict_codes(spec.decode(test["pattern"].to_numpy())[1])
        per_fold.append(c_statistic(p, test["d"], test["n"]))
    assert cv.loc[0, "c_cross_validated"] == pytest.approx(np.mean(per_fold), abs=1e-12)
    assert cv.loc[0, "folds"] == FOLDS and cv.loc[0, "events"] == agg["d"].sum()


def test_noise_covariates_flatter_in_sample_but_not_out_of_sample():
    """With five useless 4-level factors and ~250 deaths, the in-sample c-statistic rises above the true
    risk's; the cross-fitted one does not (it pays for the noise instead)."""
    spec = _spec(5)
    rows = _world(spec)
    agg = _fold_aggregates(rows)
    in_sample = fit_models(agg.groupby("pattern", as_index=False)[["n", "d"]].sum(), spec).models[0]
    c_true = c_statistic(rows["risk"], rows["died"], np.ones(len(rows)))
    c_cv = cross_validated_c_statistic(agg, spec).loc[0, "c_cross_validated"]
    assert in_sample.c_statistic > c_true
    assert c_cv < c_true < in_sample.c_statistic

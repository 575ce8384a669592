"""Out-of-sample c-statistic per model group by K-fold cross-fitting over patients.

The c-statistic the engine reports with each model (:mod:`.models`) is in-sample: the model is scored on
the spells it was fitted to, and a group model with ~35 parameters and a few hundred deaths flatters
itself (optimism, Harrell et al. 1996; Steyerberg 2019, chapter 17). Cross-fitting removes that:

1. every patient is put in one of :math:`K` folds (``patient_id mod K``), so that all the spells of a
   patient, which share unmeasured frailty, fall on the same side of every split;
2. on the backend, spells are counted per ``(pattern, fold)`` (binomial aggregates, as for the fit);
3. for each fold :math:`k`, the group's model is fitted by :func:`.models.fit_group` (the same
   covariates, level merges, ridge fallback and year calibration as the reported model) on the
   patterns of the other :math:`K-1` folds, and predicts the patterns of fold :math:`k`;
4. the c-statistic of each fold's out-of-fold predictions is computed within the fold
   (:func:`.diagnostics.c_statistic`) and the folds' values are averaged:

.. math::

    c_{\\mathrm{CV}} = \\frac1K \\sum_{k=1}^{K} c\\big(\\{(\\hat p^{(-k)}_i, d_{ik}, n_{ik})\\}_i\\big),

where :math:`\\hat p^{(-k)}_i` is the risk of pattern :math:`i` from the model fitted without fold
:math:`k`, and :math:`d_{ik}, n_{ik}` are the deaths and spells of pattern :math:`i` in fold :math:`k`.

The pooled alternative (one c-statistic over all folds' predictions) is returned as ``c_pooled`` but is
biased downwards (Parker et al. 2007; Airola et al. 2011): a fold with more deaths than average leaves
fewer for its training folds, so its predictions are lower exactly where deaths are more frequent, and
pooling ranks the folds against each other. On the ground-truth world (2 folds, 47 groups with >= 100
deaths) pooling put every group below the true risk's c-statistic (median -0.018, worst -0.066). Each
model is also fitted on :math:`(K-1)/K` of the patients, so :math:`c_{\\mathrm{CV}}` is slightly
pessimistic for the full-data model (Hastie et al. 2009, section 7.10).

References
----------
Harrell FE, Lee KL, Mark DB (1996). Multivariable prognostic models: issues in developing models,
evaluating assumptions and adequacy, and measuring and reducing errors. Statistics in Medicine
15:361-387. doi:10.1002/(SICI)1097-0258(19960229)15:4<361::AID-SIM168>3.0.CO;2-4
Airola A, Pahikkala T, Waegeman W, De Baets B, Salakoski T (2011). An experimental comparison of
cross-validation techniques for estimating the area under the ROC curve. Computational Statistics &
Data Analysis 55:1828-1844. doi:10.1016/j.csda.2010.11.018
Parker BJ, Günter S, Bedo J (2007). Stratification bias in low signal microarray studies. BMC
Bioinformatics 8:326. doi:10.1186/1471-2105-8-326
Hastie T, Tibshirani R, Friedman J (2009). The Elements of Statistical Learning, 2nd ed., section 7.10
(cross-validation). Springer.
Steyerberg EW (2019). Clinical Prediction Models, 2nd ed., chapter 17 (validation). Springer.
"""

from __future__ import annotations

import ibis.expr.types as ir
import numpy as np
import pandas as pd

from caresignal.domain.errors import OptionError
from caresignal.engine.covariates import PatternSpec
from caresignal.engine.diagnostics import c_statistic
from caresignal.engine.models import fit_group, one_blas_thread

# Two folds: each model is fitted on half the patients, the least data that still gives every group's
# model the same covariates (more folds cost one fit per fold per group).
DEFAULT_FOLDS = 2


def with_patient_fold(t: ir.Table, folds: int = DEFAULT_FOLDS, patient: str = "patient_id") -> ir.Table:
    """Add ``fold`` = ``patient_id mod folds`` (integer ids; the same on every backend)."""
    if folds < 2:
        raise OptionError(f"folds must be an integer of at least 2, not {folds!r}")
    return t.mutate(fold=(t[patient].cast("int64").abs() % folds).cast("int64"))


def aggregate_pattern_folds(t: ir.Table, outcome: str = "died") -> ir.Table:
    """Binomial aggregate per ``(pattern, fold)``: spells ``n`` and events ``d``."""
    return t.group_by(["pattern", "fold"]).aggregate(n=t.count(), d=t[outcome].cast("int64").sum())


def _sum_by_key(keys: np.ndarray, d: np.ndarray, n: np.ndarray):
    uniq, inv = np.unique(keys, return_inverse=True)
    return uniq, np.bincount(inv, weights=d, minlength=uniq.size), np.bincount(inv, weights=n,
                                                                               minlength=uniq.size)


@one_blas_thread
def cross_validated_c_statistic(aggregates: pd.DataFrame, spec: PatternSpec,
                                groups: list[int] | None = None) -> pd.DataFrame:
    """Pooled out-of-fold c-statistic per group from a ``(pattern, fold, n, d)`` table.

    Parameters
    ----------
    aggregates : one row per pattern key and fold (:func:`aggregate_pattern_folds`, executed).
    spec : the pattern spec the keys were built with (the family's :class:`.ModelSet` ``spec``).
    groups : groups to evaluate (default: every group in ``aggregates``).

    Returns
    -------
    DataFrame with ``group``, ``folds``, ``n``, ``events``, ``c_cross_validated`` (mean of the folds'
    within-fold c-statistics; NaN when no fold has both outcomes) and ``c_pooled`` (see above).
    """
    keys_all = aggregates["pattern"].to_numpy(dtype=np.int64)
    fold_all = aggregates["fold"].to_numpy(dtype=np.int64)
    n_all = aggregates["n"].to_numpy(dtype=float)
    d_all = aggregates["d"].to_numpy(dtype=float)
    group_all, _ = spec.decode(keys_all)
    wanted = sorted(set(group_all.tolist()) if groups is None else {int(g) for g in groups})
    rows = []
    for g in wanted:
        m = group_all == g
        keys, fold, n, d = keys_all[m], fold_all[m], n_all[m], d_all[m]
        folds = np.unique(fold)
        p_out = np.full(keys.size, np.nan)
        for k in folds:
            test = fold == k
            train_keys, train_d, train_n = _sum_by_key(keys[~test], d[~test], n[~test])
            if train_keys.size == 0:
                continue
            model = fit_group(g, spec.decode(train_keys)[1], train_d, train_n, spec)
            p_out[test] = model.predict_codes(spec.decode(keys[test])[1])
        ok = ~np.isnan(p_out)
        per_fold = [c_statistic(p_out[ok & (fold == k)], d[ok & (fold == k)], n[ok & (fold == k)])
                    for k in folds]
        rows.append({"group": g, "folds": int(folds.size), "n": float(n.sum()), "events": float(d.sum()),
                     "c_cross_validated": float(np.nanmean(per_fold)) if np.isfinite(per_fold).any()
                     else float("nan"),
                     "c_pooled": c_statistic(p_out[ok], d[ok], n[ok]) if ok.any() else float("nan")})
    return pd.DataFrame(rows, columns=["group", "folds", "n", "events", "c_cross_validated", "c_pooled"])

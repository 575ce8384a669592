"""Difference penalties that make a model's level effects a smooth function of an ordered category.

A diagnosis group's model gives each 5-year age band, Charlson group and admission month its own
coefficient: about 35 free parameters. With national data (thousands of deaths per group) they are well
estimated; in a small group or a small data set they are mostly noise, which flatters the model on its
own data and costs discrimination on new data. What we know about these covariates is that their effect
changes smoothly from one level to the next: the log odds of death rise about linearly with age in
adults (Gompertz' law), the Charlson index was built as additive log-risk weights, and seasonal
mortality moves month by month around the year.

So the coefficients :math:`b_1, \\dots, b_m` of a factor's levels, in their natural order, carry the
penalty of a P-spline on a one-level-per-knot basis (Eilers & Marx 1996):

.. math::

    \\tfrac{\\lambda}{2}\\, \\lVert D_2 b \\rVert^2 = \\tfrac{\\lambda}{2} \\sum_l (b_{l+1} - 2 b_l + b_{l-1})^2 ,

second differences, which are zero for any straight line: the penalty shrinks the levels towards a
linear trend, never towards a flat one, so a steep age gradient is not damped. For months the
differences wrap round (December, January, February is a triple), the cyclic P-spline penalty. The
intercept, the year index and nominal factors (sex, admission method) are not penalised, so the score
equations of the intercept and of every year still hold and observed equals expected nationally and
in every year. As :math:`\\lambda \\to 0` the fit is the ordinary maximum likelihood one; as data grow
the likelihood outweighs a fixed penalty and the estimate converges to it.

The penalised log-likelihood is :math:`\\ell(\\beta) - \\tfrac12 \\beta^T P \\beta` with
:math:`P = \\sum_f \\lambda_f S_f^T D_f^T D_f S_f`, where :math:`S_f` maps the model's columns to the
levels of factor :math:`f` (the reference level's effect is 0) and :math:`D_f` is its difference
matrix (:func:`penalty_matrices`; the strengths from :func:`select_strengths`).

References
----------
Eilers PHC, Marx BD (1996). Flexible smoothing with B-splines and penalties. Statistical Science
11(2):89-121. doi:10.1214/ss/1038425655
Gertheiss J, Tutz G (2009). Penalized regression with ordinal predictors. International Statistical
Review 77(3):345-365.
Wood SN (2017). Generalized Additive Models: an introduction with R, 2nd ed., sections 5.3.3 (P-splines)
and 5.3.4 (cyclic smoothers). CRC Press.
"""

from __future__ import annotations

import numpy as np

from caresignal.engine.covariates import Factor
from caresignal.engine.logistic import LevelMap

DIFFERENCE_ORDER = 2  # second differences: shrink towards a straight line (Eilers & Marx 1996)


def difference_matrix(m: int, order: int = DIFFERENCE_ORDER, cyclic: bool = False) -> np.ndarray:
    """The ``order``-th difference operator on ``m`` levels (rows: differences; columns: levels).

    Open chain: ``m - order`` rows. Cyclic: ``m`` rows, the differences wrapping round.
    """
    if cyclic:
        if m <= order:
            return np.zeros((0, m))
        d = np.eye(m)
        for _ in range(order):
            d = d - np.roll(d, 1, axis=1)
        return d
    if m <= order:
        return np.zeros((0, m))
    return np.diff(np.eye(m), n=order, axis=0)


def _level_columns(maps: list[LevelMap]) -> list[np.ndarray]:
    """Per factor, the design column of each kept level (-1 for the reference), as in design_matrix."""
    out, col = [], 1
    for m in maps:
        cols = np.full(m.n_kept, -1, dtype=np.int64)
        if m.n_kept > 1:
            others = [lv for lv in range(m.n_kept) if lv != m.reference]
            cols[others] = np.arange(col, col + len(others))
            col += len(others)
        out.append(cols)
    return out


def penalty_matrices(maps: list[LevelMap], factors: tuple[Factor, ...], n_columns: int) -> dict[str, np.ndarray]:
    """Per smoothed factor, its penalty :math:`S_f^T D_f^T D_f S_f` (``n_columns`` square, lambda 1).

    Kept levels are ordered by their lowest original code (merges of ordered factors join neighbours,
    so kept levels stay in order); levels wholly below ``chain_from`` are left out of the chain.
    Factors whose penalty would be empty (too few kept levels) are left out.
    """
    out = {}
    for m, f, cols in zip(maps, factors, _level_columns(maps)):
        if f.smooth == "none" or m.n_kept <= 1:
            continue
        first_code = np.array([np.flatnonzero(m.mapping == lv).min() for lv in range(m.n_kept)])
        chain = [lv for lv in np.argsort(first_code, kind="stable") if first_code[lv] >= f.chain_from]
        d = difference_matrix(len(chain), cyclic=f.smooth == "cycle")
        if d.shape[0] == 0:
            continue
        s = np.zeros((len(chain), n_columns))  # level effects from columns; the reference stays 0
        for i, lv in enumerate(chain):
            if cols[lv] >= 0:
                s[i, cols[lv]] = 1.0
        ds = d @ s
        if ds.any():
            out[f.name] = ds.T @ ds
    return out


# Candidate smoothing strengths: log-spaced from almost no smoothing to almost a straight line.
LAMBDA_GRID = np.exp(np.linspace(np.log(1e-2), np.log(1e5), 36))
PILOT_LAMBDA = 1.0  # the first fit, around which the marginal likelihood is approximated
PILOT_TOLERANCE = 1e-3  # the pilot only anchors the quadratic approximation
# A smoothed fit's coefficients to 1e-8 (the unsmoothed fit keeps 1e-10, for 1e-6 agreement with
# statsmodels): far below their standard errors, and one Newton step fewer per fit.
SMOOTHED_TOLERANCE = 1e-8
SELECTION_ROUNDS = 2  # choose around the pilot, refit, and check the choice once around that fit


def _positive_eigenvalues(a: np.ndarray) -> np.ndarray:
    ev = np.linalg.eigvalsh(a)
    return ev[ev > 1e-9 * max(ev.max(), 1e-300)]


def select_strengths(hess: np.ndarray, grad: np.ndarray, beta: np.ndarray, loglik: float,
                     units: list[np.ndarray], fixed_penalty: np.ndarray, start: np.ndarray,
                     grid: np.ndarray = LAMBDA_GRID, sweeps: int = 3) -> tuple[np.ndarray | None, np.ndarray]:
    """Smoothing strengths, one per factor, that maximise the Laplace-approximate marginal likelihood.

    Around a fit :math:`\\tilde\\beta` (unpenalised log-likelihood :math:`\\ell`, its gradient
    :math:`g` and information :math:`H = X^T W X` there) the log-likelihood is approximated by the
    quadratic :math:`\\ell + g^T\\delta - \\tfrac12 \\delta^T H \\delta`, :math:`\\delta = \\beta -
    \\tilde\\beta`. With :math:`P_\\lambda = R + \\sum_f \\lambda_f S_f` (``fixed_penalty`` R, ``units``
    :math:`S_f`), the penalised estimate is :math:`\\hat\\beta_\\lambda = (H + P_\\lambda)^{-1}
    (H\\tilde\\beta + g)` and the Laplace approximation to the log marginal likelihood (Wood 2011,
    eq. 4; constants dropped) is

    .. math::

        V(\\lambda) = \\ell(\\hat\\beta_\\lambda) - \\tfrac12 \\hat\\beta_\\lambda^T P_\\lambda
            \\hat\\beta_\\lambda + \\tfrac12 \\log|P_\\lambda|_+ - \\tfrac12 \\log|H + P_\\lambda| .

    It is maximised one factor at a time over ``grid`` (coordinate ascent, ``sweeps`` passes, from
    ``start``). For factor :math:`f`, with the rest :math:`A = H + P_{-f} = L L^T` (Cholesky) and
    :math:`L^{-1} S_f L^{-T} = U \\mathrm{diag}(\\mu) U^T`, :math:`H + P_\\lambda = L U (I +
    \\lambda_f \\mathrm{diag}\\,\\mu) U^T L^T`: one Cholesky and one symmetric eigendecomposition
    (parameters cubed, not patterns) score every candidate at once. The factors' penalties act on
    disjoint columns and :math:`R` is a ridge :math:`r` on every coefficient but the intercept, so
    :math:`\\log|P_\\lambda|_+ = \\sum_f \\sum_i \\log(r + \\lambda_f \\mu_{fi})` + const over the positive
    eigenvalues :math:`\\mu_{fi}` of :math:`S_f` (with :math:`r = 0`, :math:`r_f \\log\\lambda_f` + const).
    Returns ``(lambdas, beta at lambdas)``; lambdas is None when the information is not usable.

    Wood SN (2011). Fast stable restricted maximum likelihood and marginal likelihood estimation of
    semiparametric generalized linear models. JRSS B 73(1):3-36. doi:10.1111/j.1467-9868.2010.00749.x
    """
    lams = np.asarray(start, dtype=float).copy()
    # R is a ridge r on every coefficient but the intercept, and each S_f lives on its own factor's
    # columns, so |P|_+ factorises: the part that depends on lambda_f is prod_i (r + lambda_f mu_fi)
    # over the positive eigenvalues mu_fi of S_f.
    ridge = float(np.max(np.diag(fixed_penalty))) if fixed_penalty.size else 0.0
    spectra = [_positive_eigenvalues(u) for u in units]
    target = hess @ beta + grad
    k = hess.shape[0]
    coef = beta
    for _ in range(sweeps):
        changed = False
        for f, unit in enumerate(units):
            rest = fixed_penalty + sum(lams[g] * units[g] for g in range(len(units)) if g != f)
            a = hess + rest
            try:
                chol = np.linalg.cholesky(a + np.eye(k) * 1e-10 * max(np.trace(a) / k, 1.0))
            except np.linalg.LinAlgError:
                return None, beta
            linv = np.linalg.solve(chol, np.eye(k))
            mu, u = np.linalg.eigh(linv @ unit @ linv.T)
            mu = np.maximum(mu, 0.0)
            rot = linv.T @ u  # beta = rot diag(1 / (1 + lam mu)) rot^T target
            lam = grid[:, None]
            coefs = ((rot.T @ target)[None, :] / (1.0 + lam * mu[None, :])) @ rot.T  # (grid, k)
            delta = coefs - beta[None, :]
            approx = loglik + delta @ grad - 0.5 * np.einsum("gi,ij,gj->g", delta, hess, delta)
            quad = np.einsum("gi,ij,gj->g", coefs, rest, coefs) + grid * np.einsum("gi,ij,gj->g", coefs,
                                                                                    unit, coefs)
            logdet_a = 2 * np.log(np.diag(chol)).sum() + np.log1p(lam * mu[None, :]).sum(axis=1)
            logdet_p = np.log(ridge + grid[:, None] * spectra[f][None, :]).sum(axis=1)
            scores = approx - 0.5 * quad + 0.5 * logdet_p - 0.5 * logdet_a
            i = int(np.nanargmax(scores))
            changed |= bool(grid[i] != lams[f])
            lams[f], coef = grid[i], coefs[i]
        if not changed:
            break
    return lams, coef


def effective_df(cov: np.ndarray, penalty: np.ndarray) -> float:
    """Effective degrees of freedom :math:`\\mathrm{tr}\\{(H + P)^{-1} H\\} = k - \\mathrm{tr}\\{(H + P)^{-1} P\\}`
    (Wood 2017, section 6.1.2), from a fit's ``cov`` :math:`= (H + P)^{-1}` (no second pass over the
    patterns)."""
    return float(cov.shape[0] - np.trace(cov @ penalty))

"""``FunnelPlot``: one estimator for every funnel method, in the scikit-learn shape.

The constructor stores parameters unchanged; ``fit`` validates them and the data, learns the target
and (for the overdispersed methods) φ and τ², and keeps a frozen :class:`FunnelResult` in
``result_``. Formulas for each method live in their own modules (``exact``, ``byar``, ``wilson``,
``overdispersion``); this module only routes between them.
"""

from __future__ import annotations

import warnings

import numpy as np
from scipy import stats

from caresignal.domain.errors import OptionError, OverdispersionWarning
from caresignal.stats._base import check_choice
from caresignal.stats.funnel import overdispersion as od
from caresignal.stats.funnel._common import (
    BAND_AS_EXPECTED, BAND_HIGHER, BAND_LOWER, METHOD_TYPES, METHODS, OVERDISPERSED_METHODS, TYPES,
    bands_from_limits, check_inputs, check_level, check_target, default_target, z_for_level)
from caresignal.stats.funnel.byar import byar_tails, exact_poisson_limits, poisson_interval
from caresignal.stats.funnel.exact import (
    EXACT_VARIANTS, exact_tails, funnel_limits_exact, z_and_p_from_tails)
from caresignal.stats.funnel.results import FunnelResult
from caresignal.stats.funnel.wilson import funnel_limits_wilson, wilson_z

# SHMI publishes expected deaths to 2 decimal places and computes its bands from those
# (NHS England SHMI specification; FunnelPlotR ``SHMI_rounding = TRUE``).
SHMI_EXPECTED_DECIMALS = 2

# Fewest units from which φ and τ² can be estimated (τ²'s denominator is 0 with one unit).
MIN_UNITS_FOR_PHI = 2


def scale_for(method: str, data_type: str) -> str:
    """The stabilising scale of an overdispersed method: SHMI log; arcsine for proportions; sqrt."""
    if method == "shmi":
        return "log"
    return "arcsine" if data_type == "proportion" else "sqrt"


def control_limits(method: str, data_type: str, precision, target: float, level: float, *,
                   phi: float | None = None, tau2: float | None = None,
                   exact_variant: str = "interpolated") -> tuple[np.ndarray, np.ndarray]:
    """Lower and upper control limits on the value scale at each precision (for units or a grid).

    For ``byar`` these are OHID's drawn funnel lines (exact Poisson interval inverted), since the
    band itself comes from each unit's interval.
    """
    precision = np.asarray(precision, dtype=float)
    if method == "exact":
        kind = "binomial" if data_type == "proportion" else "poisson"
        return funnel_limits_exact(precision, target, level, kind=kind, variant=exact_variant)
    if method == "byar":
        return exact_poisson_limits(precision, target, level)
    if method == "wilson":
        return funnel_limits_wilson(precision, target, level)
    scale = scale_for(method, data_type)
    grid = od.to_scale(scale, np.zeros_like(precision), precision, target)
    z_level = z_for_level(level)
    if method == "multiplicative":
        return od.multiplicative_limits(grid, _usable(phi, 1.0), z_level, scale)
    return od.additive_limits(grid, _usable(tau2, 0.0), z_level, scale)


def _usable(value, fallback: float) -> float:
    return fallback if value is None or not np.isfinite(value) else float(value)


def aggregate_units(units, observed, precision):
    """Sum observed and precision per unit, units in order of first appearance (record-level input)."""
    order: dict[str, int] = {}
    index = np.empty(len(units), dtype=int)
    for i, u in enumerate(units):
        index[i] = order.setdefault(str(u), len(order))
    obs = np.bincount(index, weights=np.asarray(observed, dtype=float), minlength=len(order))
    prec = np.bincount(index, weights=np.asarray(precision, dtype=float), minlength=len(order))
    return tuple(order), obs, prec


class FunnelPlot:
    """Funnel plot limits, z-scores and bands for ratios, proportions or rates.

    Parameters
    ----------
    method : {"exact", "byar", "wilson", "shmi", "multiplicative", "winsorised"}
        ``exact``: Poisson (ratio, rate) or binomial (proportion) limits around the target,
        Spiegelhalter (2005). ``byar``: OHID, the confidence interval of O (exact below 10 events,
        Byar from 10) compared with the target. ``wilson``: OHID proportions. ``shmi``: log scale,
        10% two-sided truncation, additive random effects. ``multiplicative``: limits inflated by
        √φ. ``winsorised``: Spiegelhalter/CQC, 10% winsorised z-scores and additive random effects.
    data_type : {"ratio", "proportion", "rate"}
        ``ratio``: O/E with expected counts; ``proportion``: O/n; ``rate``: O/denominator.
    level : {95, 99.8}
        Two-sided level of the limits that decide the band (official SHMI bands use 95).
    target : float or None
        θ₀; default 1 for ratios and the pooled ΣO/Σdenominator otherwise.
    trim : float
        Fraction trimmed at each end before estimating φ (default 0.1).
    expected_decimals : "auto", int or None
        Round expected counts before anything else; "auto" rounds to 2 decimals for ``shmi`` on
        ratios (as the SHMI does) and not otherwise.
    exact_variant : {"interpolated", "gamma"}
        ``interpolated``: Spiegelhalter's interpolated Poisson/binomial quantiles (default);
        ``gamma``: FunnelPlotR's chi-square limits for ratios and rates.

    Attributes
    ----------
    target_ : float
    phi_ : float or None
        Overdispersion factor over the units kept (overdispersed methods only; NaN if not estimable).
    tau2_ : float or None
        Between-unit variance on the stabilising scale (``shmi`` and ``winsorised`` only).
    n_units_ : int
    result_ : FunnelResult

    Notes
    -----
    Exact and OHID limits assume every difference beyond chance is real; with many large units that
    is rarely true and most units end up outside the limits (see docs/funnel-plots.md). The
    overdispersed methods assume the opposite: that much of the spread is unexplained noise.

    References
    ----------
    Spiegelhalter DJ. Funnel plots for comparing institutional performance. Stat Med 2005;24:1185–202.
    doi:10.1002/sim.1970
    Spiegelhalter DJ. Handling over-dispersion of performance indicators. Qual Saf Health Care
    2005;14:347–51. doi:10.1136/qshc.2005.013755

    Examples
    --------
    >>> fp = FunnelPlot(method="shmi").fit([120, 80, 210], expected=[100.0, 95.0, 200.0])
    >>> fp.result_.band
    ('as_expected', 'as_expected', 'as_expected')
    """

    # Allowed values, checked once in ``fit`` (scikit-learn's declared-constraints idea).
    _parameter_constraints = {"method": METHODS, "data_type": TYPES,
                              "exact_variant": EXACT_VARIANTS}

    def __init__(self, method: str = "exact", data_type: str = "ratio", level: float = 95,
                 target: float | None = None, trim: float = od.DEFAULT_TRIM,
                 expected_decimals="auto", exact_variant: str = "interpolated"):
        self.method = method
        self.data_type = data_type
        self.level = level
        self.target = target
        self.trim = trim
        self.expected_decimals = expected_decimals
        self.exact_variant = exact_variant

    def get_params(self, deep: bool = True) -> dict:
        return {k: getattr(self, k) for k in ("method", "data_type", "level", "target", "trim",
                                              "expected_decimals", "exact_variant")}

    def set_params(self, **params) -> "FunnelPlot":
        valid = self.get_params()
        for key, value in params.items():
            if key not in valid:
                raise OptionError(f"FunnelPlot has no parameter {key!r}; parameters are "
                                  f"{', '.join(valid)}")
            setattr(self, key, value)
        return self

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_params().items())
        return f"FunnelPlot({args})"

    # -- validation ---------------------------------------------------------------------------
    def _validated_params(self) -> dict:
        for name, allowed in self._parameter_constraints.items():
            check_choice(name, getattr(self, name), allowed)
        if self.data_type not in METHOD_TYPES[self.method]:
            allowed = ", ".join(METHOD_TYPES[self.method])
            raise OptionError(f"method {self.method!r} does not apply to type {self.data_type!r}; "
                              f"it applies to: {allowed}")
        level = check_level(self.level)
        try:
            trim = float(self.trim)
        except (TypeError, ValueError):
            raise OptionError(f"trim must be a number between 0 and 0.5; got {self.trim!r}") from None
        if not 0 < trim < 0.5:
            raise OptionError(f"trim must be a number between 0 and 0.5; got {self.trim!r}")
        decimals = self.expected_decimals
        if decimals == "auto":
            decimals = (SHMI_EXPECTED_DECIMALS
                        if self.method == "shmi" and self.data_type == "ratio" else None)
        elif decimals is not None and (not isinstance(decimals, (int, np.integer)) or decimals < 0):
            raise OptionError(f"expected_decimals must be 'auto', None or an integer >= 0; "
                              f"got {decimals!r}")
        if self.exact_variant == "gamma" and self.data_type == "proportion" and self.method == "exact":
            raise OptionError("exact_variant 'gamma' applies to ratios and rates; proportions use "
                              "'interpolated'")
        return {"level": level, "trim": trim, "expected_decimals": decimals,
                "exact_variant": self.exact_variant}

    # -- fitting ------------------------------------------------------------------------------
    def fit(self, observed, expected=None, *, denominator=None, units=None) -> "FunnelPlot":
        """Validate, compute target (and φ, τ²), limits, z, p and bands; return ``self``.

        Parameters
        ----------
        observed : array of counts O (≥ 0).
        expected : array of expected counts E (> 0); required for ``ratio``.
        denominator : array of denominators (> 0); required for ``proportion`` and ``rate``.
        units : sequence of labels, optional
            Rows with the same label are summed into one unit (record-level input, as FunnelPlotR).
            Default: "1", "2", … in row order.
        """
        params = self._validated_params()
        level = params["level"]
        if self.data_type == "ratio":
            if expected is None or denominator is not None:
                raise OptionError("a ratio needs expected counts (expected=…, --expected), "
                                  "not a denominator")
            precision, precision_name = expected, "expected"
        else:
            if denominator is None or expected is not None:
                raise OptionError(f"a {self.data_type} needs a denominator (denominator=…, "
                                  "--denominator), not expected counts")
            precision, precision_name = denominator, "denominator"
        obs_raw = np.asarray(observed, dtype=float)
        prec_raw = np.asarray(precision, dtype=float)
        if units is None:
            units = [str(i + 1) for i in range(obs_raw.size)]
        if len(units) != obs_raw.size:
            raise OptionError(f"units must have one label per row; got {len(units)} labels for "
                              f"{obs_raw.size} rows")
        # validate row by row first so a message points at the input row, then sum per unit
        check_inputs(self.data_type, obs_raw, prec_raw, precision_name=precision_name)
        labels, obs, prec = aggregate_units(units, obs_raw, prec_raw)
        if params["expected_decimals"] is not None:
            prec = np.round(prec, params["expected_decimals"])
        data = check_inputs(self.data_type, obs, prec, precision_name=precision_name)
        target = (default_target(self.data_type, data.observed, data.precision)
                  if self.target is None else check_target(self.data_type, self.target))

        notes: list[str] = []
        phi = tau2 = None
        used = np.ones(data.observed.size, dtype=bool)
        if self.method in OVERDISPERSED_METHODS:
            lower, upper, z, p, phi, tau2, used = self._overdispersed(data, target, level,
                                                                      params["trim"], notes)
            band = bands_from_limits(data.value, lower, upper)
        elif self.method == "byar":
            ci_low, ci_high = poisson_interval(data.observed, level)
            lower, upper = ci_low / data.precision, ci_high / data.precision
            band = tuple(BAND_HIGHER if lo > target else BAND_LOWER if hi < target
                         else BAND_AS_EXPECTED for lo, hi in zip(lower, upper))
            z, p = z_and_p_from_tails(*byar_tails(data.observed, data.precision, target))
        elif self.method == "wilson":
            lower, upper = funnel_limits_wilson(data.precision, target, level)
            z, p = wilson_z(data.observed, data.precision, target)
            band = bands_from_limits(data.value, lower, upper)
        else:  # exact
            kind = "binomial" if self.data_type == "proportion" else "poisson"
            lower, upper = funnel_limits_exact(data.precision, target, level, kind=kind,
                                               variant=params["exact_variant"])
            z, p = z_and_p_from_tails(*exact_tails(data.observed, data.precision, target,
                                                   kind=kind, variant=params["exact_variant"]))
            band = bands_from_limits(data.value, lower, upper)

        for note in notes:
            warnings.warn(note, OverdispersionWarning, stacklevel=2)
        self.target_ = target
        self.phi_ = phi
        self.tau2_ = tau2
        self.n_units_ = len(labels)
        self.result_ = FunnelResult(
            method=self.method, data_type=self.data_type, level=level, target=target, phi=phi,
            tau2=tau2, units=labels, observed=data.observed, precision=data.precision,
            value=data.value, z=z, p_value=p, lower=lower, upper=upper, band=band,
            used_for_phi=used, params=dict(params), warnings=tuple(notes))
        return self

    def _overdispersed(self, data, target, level, trim, notes):
        scale = scale_for(self.method, self.data_type)
        scaled = od.to_scale(scale, data.observed, data.precision, target)
        with np.errstate(divide="ignore", invalid="ignore"):
            z_raw = (scaled.y - scaled.y0) / scaled.s
        if self.method == "shmi":
            used = od.truncation_mask(z_raw, trim)
            z_used, s_used = z_raw[used], scaled.s[used]
        else:
            used = np.ones(z_raw.size, dtype=bool)
            finite = np.isfinite(z_raw)
            z_used = od.winsorise(z_raw[finite], trim) if finite.any() else z_raw[finite]
            s_used = scaled.s[finite]
            used = finite
        if not np.isfinite(z_used).all():
            bad = int((~np.isfinite(z_used)).sum())
            notes.append(f"{bad} unit(s) with an infinite z-score (no events on the log scale) "
                         "left out of phi")
            keep = np.isfinite(z_used)
            used = used & np.isfinite(z_raw)
            z_used, s_used = z_used[keep], s_used[keep]
        if z_used.size < MIN_UNITS_FOR_PHI:
            notes.append(f"phi is not estimable from {z_used.size} unit(s) (need at least "
                         f"{MIN_UNITS_FOR_PHI}); limits are not adjusted for overdispersion")
            phi, tau2 = float("nan"), 0.0
        else:
            phi = od.dispersion_phi(z_used)
            tau2 = od.random_effects_tau2(phi, s_used)
        z_level = z_for_level(level)
        if self.method == "multiplicative":
            applied = max(_usable(phi, 1.0), 1.0)  # φ < 1 never narrows the limits
            lower, upper = od.multiplicative_limits(scaled, applied, z_level, scale)
            spread = np.sqrt(applied) * scaled.s
            tau2 = None
        else:
            lower, upper = od.additive_limits(scaled, tau2, z_level, scale)
            spread = np.sqrt(scaled.s ** 2 + tau2)
        with np.errstate(divide="ignore", invalid="ignore"):
            z = (scaled.y - scaled.y0) / spread
        p = np.minimum(1.0, 2 * stats.norm.sf(np.abs(z)))
        return lower, upper, z, p, phi, tau2, used

    # -- after fitting ------------------------------------------------------------------------
    def _check_fitted(self, what: str) -> None:
        if not hasattr(self, "result_"):
            raise OptionError(f"this FunnelPlot is not fitted yet; call fit(...) before {what}")

    def limits(self, precision=None, *, points: int = 100):
        """Funnel lines at 95% and 99.8% over a grid of precision (see ``FunnelResult.limits``)."""
        self._check_fitted("limits()")
        return self.result_.limits(precision, points=points)


def funnel_plot(observed, expected=None, *, denominator=None, units=None, **params) -> FunnelResult:
    """Fit a :class:`FunnelPlot` with ``params`` and return its frozen result."""
    return FunnelPlot(**params).fit(observed, expected, denominator=denominator, units=units).result_

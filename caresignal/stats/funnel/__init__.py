"""Funnel plots: exact, OHID and overdispersed limits, z-scores and bands (docs/funnel-plots.md).

>>> from caresignal.stats.funnel import FunnelPlot
>>> result = FunnelPlot(method="exact").fit([30, 12], expected=[20.0, 15.0]).result_
>>> result.band
('higher', 'as_expected')
"""

from caresignal.domain.errors import OverdispersionWarning
from caresignal.stats.funnel._common import (
    BAND_AS_EXPECTED, BAND_HIGHER, BAND_LOWER, BANDS, LEVELS, METHOD_TYPES, METHODS, TYPES,
    z_for_level)
from caresignal.stats.funnel.byar import (
    BYAR_MIN_EVENTS, byar_tails, exact_poisson_limits, poisson_funnel_lines, poisson_interval)
from caresignal.stats.funnel.exact import (
    EXACT_VARIANTS, exact_tails, funnel_limits_exact, interpolated_quantile)
from caresignal.stats.funnel.model import FunnelPlot, aggregate_units, control_limits, funnel_plot
from caresignal.stats.funnel.ohid import OHID_LABELS, ohid_axis_grid, ohid_label
from caresignal.stats.funnel.overdispersion import (
    DEFAULT_TRIM, dispersion_phi, random_effects_tau2, truncation_mask, winsorise)
from caresignal.stats.funnel.results import FunnelLimits, FunnelResult
from caresignal.stats.funnel.wilson import funnel_limits_wilson, wilson_interval, wilson_z

__all__ = [
    "BANDS", "BAND_AS_EXPECTED", "BAND_HIGHER", "BAND_LOWER", "BYAR_MIN_EVENTS", "DEFAULT_TRIM",
    "EXACT_VARIANTS", "FunnelLimits", "FunnelPlot", "FunnelResult", "LEVELS", "METHODS",
    "METHOD_TYPES", "OHID_LABELS", "OverdispersionWarning", "TYPES", "aggregate_units",
    "byar_tails", "control_limits", "dispersion_phi", "exact_poisson_limits", "exact_tails",
    "funnel_limits_exact", "funnel_limits_wilson", "funnel_plot", "interpolated_quantile",
    "ohid_axis_grid", "ohid_label", "poisson_funnel_lines", "poisson_interval",
    "random_effects_tau2", "truncation_mask", "wilson_interval", "wilson_z", "winsorise",
    "z_for_level",
]

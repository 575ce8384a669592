"""Statistical process control as NHS England's Making Data Count defines it.

XmR/I (with MR), P, P' (Laney), U, U' (Laney), C, G, T, Xbar and S charts; the MDC rules (outside the
limits, trend, two-in-three, shift) with their precedence; point types, variation and assurance icons;
optional Anhøj runs analysis; facets and an icon summary table. See ``docs/spc.md``.
"""

from caresignal.stats.spc._limits_common import Limits
from caresignal.stats.spc._validate import CHARTS, SPCValueError
from caresignal.stats.spc.chart import SPCChart
from caresignal.stats.spc.constants import (
    D2_N2,
    DEFAULT_SHIFT_N,
    DEFAULT_TREND_N,
    MDC_XMR_FACTOR,
    MR_SCREEN_D4,
    T_CHART_EXPONENT,
    TRIAL_LIMIT_MIN_POINTS,
)
from caresignal.stats.spc.facets import FacetedSPCResult, fit_facets, icon_table, subgroup_stats
from caresignal.stats.spc.icons import (
    ASSURANCE_TYPES,
    POINT_TYPES,
    assurance_icon,
    point_type,
    variation_icon,
)
from caresignal.stats.spc.limits_attributes import (
    c_limits,
    g_limits,
    p_limits,
    pprime_limits,
    u_limits,
    uprime_limits,
)
from caresignal.stats.spc.limits_variables import mr_limits, s_limits, t_limits, xbar_limits, xmr_limits
from caresignal.stats.spc.precedence import RULE_ORDER, mark_all_rules, resolve_precedence
from caresignal.stats.spc.result import Period, SPCResult
from caresignal.stats.spc.rules import (
    beyond_inner_limits,
    mark_outside_limits,
    mark_shift,
    mark_trend,
    mark_two_in_three,
    rule_outside_limits,
    rule_shift,
    rule_trend,
    rule_two_in_three,
    side_of_line,
)
from caresignal.stats.spc.runs import RunsAnalysis, runs_analysis

__all__ = [
    "ASSURANCE_TYPES", "CHARTS", "D2_N2", "DEFAULT_SHIFT_N", "DEFAULT_TREND_N", "MDC_XMR_FACTOR",
    "MR_SCREEN_D4", "POINT_TYPES", "RULE_ORDER", "T_CHART_EXPONENT", "TRIAL_LIMIT_MIN_POINTS",
    "FacetedSPCResult", "Limits", "Period", "RunsAnalysis", "SPCChart", "SPCResult", "SPCValueError",
    "assurance_icon", "beyond_inner_limits", "c_limits", "fit_facets", "g_limits", "icon_table",
    "mark_all_rules", "mark_outside_limits", "mark_shift", "mark_trend", "mark_two_in_three",
    "mr_limits", "p_limits", "point_type", "pprime_limits", "resolve_precedence", "rule_outside_limits",
    "rule_shift", "rule_trend", "rule_two_in_three", "runs_analysis", "s_limits", "side_of_line",
    "subgroup_stats", "t_limits", "u_limits", "uprime_limits", "variation_icon", "xbar_limits",
    "xmr_limits",
]

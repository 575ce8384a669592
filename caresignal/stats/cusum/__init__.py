"""Risk-adjusted CUSUM charts, their thresholds and p-values (see docs/cusum.md).

Charts: :func:`bernoulli_cusum` (Steiner et al. 2000), :func:`imperial_cusum` (odds ratio 2, halved
after a signal), :func:`vlad_chart`, :func:`poisson_cusum`, :func:`zscore_cusum`; the recursion itself
is :func:`cusum_path` (one series) and :func:`cusum_batch` (thousands of series at once).

Thresholds: :class:`CusumThreshold` (ARL or false-alarm probability; Markov chain, simulation or exact
enumeration) and, for surveillance of every trust x diagnosis group, :class:`ThresholdCurve` with
:func:`surveillance_thresholds` (which re-solves short series on their own mix with
:func:`refine_thresholds`). p-values: :func:`cusum_p_value` (one series), :func:`batch_p_values`
(many, each on its own mix), ``ThresholdCurve.p_values`` (the surface where it is reliable, the chain
elsewhere) and the rigorous tail bound :func:`ville_bound`; FDR across series:
:func:`caresignal.stats.fdr.benjamini_hochberg`.
"""

from caresignal.stats.cusum._chart import (DIRECTIONS, METHODS, CusumResult, bernoulli_cusum,
                                           chart_maximum, imperial_cusum, poisson_cusum, vlad_chart,
                                           zscore_cusum)
from caresignal.stats.cusum._curve import (DEFAULT_FALSE_ALARM, ThresholdCurve, default_cache_dir,
                                           effective_risk, mix_summaries, mix_summary,
                                           p_value_selection, surveillance_thresholds)
from caresignal.stats.cusum._estimators import (CusumThreshold, LogisticRisk, NotFittedError,
                                                ThresholdResult)
from caresignal.stats.cusum._markov import (DEFAULT_SCALING, StepDistribution, arl_markov,
                                            bernoulli_steps, bernoulli_z_steps, paired_rounding,
                                            poisson_steps, signal_probability)
from caresignal.stats.cusum._path import RESETS, cusum_batch, cusum_path
from caresignal.stats.cusum._pvalue import (batch_p_values, cusum_p_value, series_maxima,
                                            ville_bound)
from caresignal.stats.cusum._refine import default_selection as refine_selection
from caresignal.stats.cusum._refine import refine_thresholds
from caresignal.stats.cusum._simulate import (exact_max_distribution, simulate_max,
                                              simulate_run_lengths)
from caresignal.stats.cusum._threshold import (CALIBRATIONS, arl_threshold, false_alarm_probability,
                                               false_alarm_threshold)
from caresignal.stats.cusum._weights import (ZSCORE_REFERENCE_K, bernoulli_weights, poisson_weights,
                                             vlad_increments, zscore_weights, zscores)

__all__ = [
    "CALIBRATIONS", "DEFAULT_FALSE_ALARM", "DEFAULT_SCALING", "DIRECTIONS", "METHODS", "RESETS",
    "ZSCORE_REFERENCE_K", "CusumResult", "CusumThreshold", "LogisticRisk", "NotFittedError",
    "StepDistribution", "ThresholdCurve", "ThresholdResult", "arl_markov", "arl_threshold",
    "batch_p_values", "bernoulli_cusum", "bernoulli_steps", "bernoulli_weights", "bernoulli_z_steps",
    "chart_maximum", "cusum_batch", "cusum_p_value", "cusum_path", "default_cache_dir",
    "effective_risk", "exact_max_distribution", "false_alarm_probability", "false_alarm_threshold",
    "imperial_cusum", "mix_summaries", "mix_summary", "p_value_selection", "paired_rounding",
    "poisson_cusum", "poisson_steps", "poisson_weights", "refine_selection", "refine_thresholds",
    "series_maxima", "signal_probability", "simulate_max", "simulate_run_lengths",
    "surveillance_thresholds", "ville_bound", "vlad_chart", "vlad_increments", "zscore_cusum",
    "zscore_weights", "zscores",
]

"""Named constants of statistical process control, each with its source.

Bias-correction factors for subgroup standard deviations (c4, c5, A3, B3, B4) are computed exactly from
the gamma function rather than read from a printed table, so they hold for any subgroup size.

References
----------
- Montgomery DC. *Introduction to Statistical Quality Control*, 7th ed. Wiley, 2013: appendix VI
  (factors for control charts), eqs 6.4-6.6, 6.29-6.33.
- Nelson LS. Control charts for individual measurements. *J Qual Technol* 1982;14(3):172-173.
- Provost LP, Murray SK. *The Health Care Data Guide*. Jossey-Bass, 2011 (pp. 155, 192, 228).
- NHS England, Making Data Count (2019; two-in-three rule revised 2023).
  https://www.england.nhs.uk/publication/making-data-count/
"""

from __future__ import annotations

import numpy as np
from scipy.special import gammaln

# d2 for subgroups of 2: the expected range of two standard normal values, 2/sqrt(pi) = 1.128 to the
# three decimals every reference uses (Montgomery appendix VI). sigma = mean moving range / d2.
D2_N2 = 1.128

# Making Data Count / NHSRplotthedots: process limits at mean +/- 2.66 x mean moving range (3 / 1.128
# rounded to 2.66 as printed in the MDC guidance; NHSRplotthedots R/ptd_spc_standard.R `limit <- 2.66`).
MDC_XMR_FACTOR = 2.66

# D4 for subgroups of 2: upper limit of the moving-range chart, 3.267 x mean moving range (Montgomery
# appendix VI). Also the screening threshold: moving ranges at or above 3.267 x AMR are dropped before
# sigma is estimated (Nelson 1982; Provost & Murray 2011 p. 155; NHSRplotthedots, PowerBI-SPC, qicharts2).
MR_SCREEN_D4 = 3.267

# T chart: times between events are transformed by y^(1/3.6) to near-normality, charted as an I chart
# and back-transformed (Nelson LS, J Qual Technol 1994;26(3):239-240; Provost & Murray 2011;
# qicharts2 qic.t, PowerBI-SPC src/Limit Calculations/t.ts).
T_CHART_EXPONENT = 3.6

# Run rules (Making Data Count): a shift is 7 or more consecutive points on one side of the mean, a
# trend 7 or more consecutive points all increasing or all decreasing (NHSRplotthedots defaults).
DEFAULT_SHIFT_N = 7
DEFAULT_TREND_N = 7

# Limits from fewer than 12 points are trial limits (Making Data Count; NHSRplotthedots
# ptd_add_short_group_warnings: "Some groups have 'n < 12' observations. These have trial limits").
TRIAL_LIMIT_MIN_POINTS = 12

# Conventional 3-sigma process limits; the inner (warning) limits sit at 2/3 of this distance, i.e.
# 2 sigma (NHSRplotthedots `limitclose <- 2 * (limit / 3)`; PowerBI-SPC ll95/ul95).
DEFAULT_SIGMA_MULTIPLIER = 3.0
INNER_LIMIT_FRACTION = 2.0 / 3.0


def c4(n) -> np.ndarray:
    """Bias factor of the sample standard deviation: E[s] = c4(n) sigma (Montgomery eq. 6.29 footnote).

    ``c4(n) = sqrt(2/(n-1)) * Gamma(n/2) / Gamma((n-1)/2)``; NaN for n < 2.
    """
    n = np.asarray(n, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.sqrt(2.0 / (n - 1.0)) * np.exp(gammaln(n / 2.0) - gammaln((n - 1.0) / 2.0))
    return np.where(n >= 2, out, np.nan)


def c5(n) -> np.ndarray:
    """Standard deviation of s in sigma units: sd(s) = c5(n) sigma, ``c5 = sqrt(1 - c4^2)``."""
    return np.sqrt(1.0 - c4(n) ** 2)


def a3(n, k: float = 3.0) -> np.ndarray:
    """Xbar-chart factor on an estimate of sigma from s: ``A3 = k / (c4(n) sqrt(n))`` (k = 3 in tables)."""
    n = np.asarray(n, dtype=float)
    return k / (c4(n) * np.sqrt(n))


def b3(n, k: float = 3.0) -> np.ndarray:
    """S-chart lower factor ``B3 = max(0, 1 - k c5/c4)`` (Montgomery appendix VI)."""
    return np.maximum(0.0, 1.0 - k * c5(n) / c4(n))


def b4(n, k: float = 3.0) -> np.ndarray:
    """S-chart upper factor ``B4 = 1 + k c5/c4`` (Montgomery appendix VI)."""
    return 1.0 + k * c5(n) / c4(n)

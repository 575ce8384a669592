"""Anhøj runs analysis: the longest run and the number of crossings of the centre line.

Points on the centre line are ignored ("useful" observations are the others). With ``n`` useful
observations, a signal of non-random variation is

- a run (consecutive points on one side) longer than ``round(log2(n)) + 3`` (Schilling 2012), or
- fewer crossings than the 5th percentile of Binomial(n - 1, 0.5) (Chen 2010).

This is qicharts2's default (``method = "anhoej"``). It is optional here and reported beside the
Making Data Count rules, not merged into them.

References
----------
- Anhøj J, Olesen AV. Run charts revisited: a simulation study of run chart rules for detection of
  non-random variation in health care processes. *PLoS One* 2014;9(11):e113825.
  https://doi.org/10.1371/journal.pone.0113825
- Anhøj J. Diagnostic value of run chart analysis. *PLoS One* 2015;10(3):e0121349.
  https://doi.org/10.1371/journal.pone.0121349
- Schilling MF. The surprising predictability of long runs. *Math Mag* 2012;85(2):141-149.
- Chen Z. A note on the runs test. *Model Assist Stat Appl* 2010;5:73-77.
"""

from __future__ import annotations

import dataclasses

import numpy as np
from scipy.stats import binom

from caresignal.stats._base import Result
from caresignal.stats.spc.rules import side_of_line

# Crossings below the 5th percentile of Binomial(n - 1, 1/2) signal too few crossings (Chen 2010).
CROSSINGS_PERCENTILE = 0.05
# Longest-run limit: round(log2(n)) + 3 (Schilling 2012), as in qicharts2's runs.analysis.
LONGEST_RUN_OFFSET = 3


@dataclasses.dataclass(frozen=True)
class RunsAnalysis(Result):
    """Anhøj runs analysis of one period."""

    n_obs: int
    n_useful: int
    longest_run: int | None
    longest_run_max: int | None
    n_crossings: int | None
    n_crossings_min: int | None
    signal: bool

    def summary(self) -> str:
        if not self.n_useful:
            return "runs analysis: no useful observations"
        return (f"runs analysis: longest run {self.longest_run} (max {self.longest_run_max}), "
                f"crossings {self.n_crossings} (min {self.n_crossings_min}), "
                f"{'signal' if self.signal else 'no signal'}")


def longest_run_max(n_useful: int) -> int:
    """Upper limit of the longest run for ``n_useful`` observations: ``round(log2(n)) + 3``."""
    return int(np.round(np.log2(n_useful))) + LONGEST_RUN_OFFSET


def crossings_min(n_useful: int) -> int:
    """Lower limit of crossings: the 5th percentile of Binomial(n - 1, 0.5)."""
    return int(binom.ppf(CROSSINGS_PERCENTILE, max(n_useful - 1, 0), 0.5))


def runs_analysis(y, cl) -> RunsAnalysis:
    """Longest run and crossings of ``y`` about ``cl``, with Anhøj's limits and signal."""
    y = np.asarray(y, float)
    sides = side_of_line(y, cl)
    sides = sides[sides != 0]
    n = int(sides.size)
    if n == 0:
        return RunsAnalysis(int(y.size), 0, None, None, None, None, False)
    change = np.flatnonzero(np.diff(sides) != 0)
    bounds = np.concatenate(([-1], change, [n - 1]))
    longest = int(np.max(np.diff(bounds)))
    crossings = int(change.size)
    lmax, cmin = longest_run_max(n), crossings_min(n)
    return RunsAnalysis(int(y.size), n, longest, lmax, crossings, cmin,
                        bool(longest > lmax or crossings < cmin))

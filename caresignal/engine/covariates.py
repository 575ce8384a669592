"""Case-mix factors as small integer codes, and one integer pattern key built from them.

Every model in the engine uses categorical covariates only (as SHMI does), so a spell's covariates are a
point in a small grid. A factor turns one or more columns into a code ``0 .. n_levels - 1`` with an Ibis
expression that compiles on every backend; a :class:`PatternSpec` stacks the codes of several factors
(and the model group) into one mixed-radix integer

.. math::

    k = (\\dots((g \\cdot L_1 + c_1) \\cdot L_2 + c_2) \\dots) \\cdot L_m + c_m ,

so that aggregation is a ``GROUP BY`` on one ``BIGINT`` column, the predicted probability of every
pattern joins back to the spells on that one key, and Python decodes the key with ``divmod`` without a
lookup table.

References
----------
NHS England (2024). Summary Hospital-level Mortality Indicator (SHMI): methodology specification,
version 1.x. Risk-adjustment variables: age group, sex, admission method, month of admission, Charlson
comorbidity group, year index, birthweight group (perinatal diagnosis groups only).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import ibis
import ibis.expr.types as ir
import numpy as np

from caresignal.domain.sources import ADMISSION_METHODS, ADMISSION_SOURCES, RECONSTRUCTION_TYPES

# SHMI age groups: <1, 1-4, 5-9, ..., 85-89, 90+ (SHMI specification, risk-adjustment variables).
AGE_GROUP_LABELS = ("<1", "1-4") + tuple(f"{a}-{a + 4}" for a in range(5, 90, 5)) + ("90+",)
# Charlson groups. SHMI groups its own Charlson weights as 0, 1-5, 6-10, 11-20, 21+; the source files
# carry the classic Charlson index (Charlson et al. 1987, weights 1-6, total rarely above 12), on which
# those bands would put almost every patient in two groups. We keep the SHMI idea (a grouped index with
# an open top band) on the classic scale: 0, 1, 2, 3, 4, 5, 6-7, 8+.
CHARLSON_BREAKS = (1, 2, 3, 4, 5, 6, 8)
CHARLSON_LABELS = ("0", "1", "2", "3", "4", "5", "6-7", "8+")
# Birthweight groups (grams) for perinatal diagnosis groups; code 0 = missing or not perinatal. Steps of
# 250 g below 2,500 g: neonatal mortality changes several-fold within the classic "<1000 g" band
# (extremely low birthweight), and a band that wide left the model of "Short gestation, low birthweight"
# 0.014 below the true risk's c-statistic on a synthetic England with 738 deaths. The bands are smoothed
# into a curve (.smoothing), so finer bands cost little variance where deaths are few.
BIRTHWEIGHT_BREAKS = (500, 750, 1000, 1250, 1500, 1750, 2000, 2250, 2500, 3000, 3500, 4000)
BIRTHWEIGHT_LABELS = ("missing", "<500", "500-749", "750-999", "1000-1249", "1250-1499", "1500-1749",
                      "1750-1999", "2000-2249", "2250-2499", "2500-2999", "3000-3499", "3500-3999", "4000+")
# Breast surgery case-mix bands (National Mastectomy and Breast Reconstruction Audit, 2011, risk factors).
BREAST_AGE_BREAKS = (40, 50, 60, 70, 80)
BREAST_AGE_LABELS = ("<40", "40-49", "50-59", "60-69", "70-79", "80+")
BMI_BREAKS = (25.0, 30.0, 35.0)
BMI_LABELS = ("<25", "25-29.9", "30-34.9", "35+")
ASA_LABELS = ("1", "2", "3", "4-5")
MONTH_LABELS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True)
class Factor:
    """A categorical covariate: its name, level labels, whether levels are ordered, and the expression.

    ``ordered`` matters for separation handling: a sparse level of an ordered factor is merged into a
    neighbour, one of a nominal factor into the most populous level (see :mod:`.logistic`).
    ``smooth`` says whether the model's coefficients of the factor's levels are a smooth function of
    the level (:mod:`.smoothing`): ``"chain"`` for an ordered scale (age, comorbidity, birthweight),
    ``"cycle"`` for the months of the year (December is next to January), ``"none"`` otherwise.
    Codes below ``chain_from`` stand outside the scale (birthweight "missing") and are not smoothed.
    """

    name: str
    labels: tuple[str, ...]
    ordered: bool
    expr: Callable[[ir.Table], ir.IntegerValue]
    smooth: str = "none"
    chain_from: int = 0

    @property
    def n_levels(self) -> int:
        return len(self.labels)


def _bands(value: ir.NumericValue, breaks: tuple[float, ...]) -> ir.IntegerValue:
    """Code ``i`` when ``breaks[i-1] <= value < breaks[i]`` (0 below the first break)."""
    code = ibis.literal(0)
    for b in breaks:
        code = code + (value >= b).cast("int64")
    return code.cast("int64")


def _codes(value: ir.StringValue, levels: tuple[str, ...]) -> ir.IntegerValue:
    cases = [(value == lvl, i) for i, lvl in enumerate(levels)]
    return ibis.cases(*cases, else_=0).cast("int64")


def _age_group(t: ir.Table) -> ir.IntegerValue:
    return ibis.ifelse(t.age == 0, 0, ibis.least((t.age // 5) + 1, 19)).cast("int64")


AGE_GROUP = Factor("age_group", AGE_GROUP_LABELS, True, _age_group, smooth="chain")
SEX = Factor("sex", ("M", "F"), False, lambda t: (t.sex == "F").cast("int64"))
# Admission method, with elective day cases apart: SHMI models admission method; day cases die two
# orders of magnitude less often than ordinary elective spells, so they get their own level (deviation
# documented in docs/outcomes.md).
ADMISSION_TYPE_LABELS = ADMISSION_METHODS + ("day_case",)
ADMISSION_METHOD = Factor(
    "admission_method", ADMISSION_TYPE_LABELS, False,
    lambda t: ibis.ifelse(t.patient_classification == "day_case", len(ADMISSION_METHODS),
                          _codes(t.admission_method, ADMISSION_METHODS)).cast("int64"))
ADMISSION_MONTH = Factor("admission_month", MONTH_LABELS, False,
                         lambda t: (t.admission_date.month() - 1).cast("int64"), smooth="cycle")
CHARLSON_GROUP = Factor("charlson_group", CHARLSON_LABELS, True,
                        lambda t: _bands(t.charlson_score, CHARLSON_BREAKS), smooth="chain")
BIRTHWEIGHT_GROUP = Factor(
    "birthweight_group", BIRTHWEIGHT_LABELS, True,
    lambda t: ibis.ifelse(t.birthweight_g.isnull(), 0, _bands(t.birthweight_g, BIRTHWEIGHT_BREAKS) + 1)
    .cast("int64"), smooth="chain", chain_from=1)
PALLIATIVE = Factor("palliative_care", ("no", "yes"), False, lambda t: t.palliative_care.cast("int64"))
DEPRIVATION_QUINTILE = Factor("deprivation_quintile", ("1", "2", "3", "4", "5"), True,
                              lambda t: ((t.deprivation_decile - 1) // 2).cast("int64"))
ADMISSION_SOURCE = Factor("admission_source", ADMISSION_SOURCES, False,
                          lambda t: _codes(t.admission_source, ADMISSION_SOURCES))

BREAST_AGE = Factor("age_band", BREAST_AGE_LABELS, True, lambda t: _bands(t.age, BREAST_AGE_BREAKS))
ASA = Factor("asa_grade", ASA_LABELS, True, lambda t: (ibis.least(t.asa_grade, 4) - 1).cast("int64"))
BMI = Factor("bmi_band", BMI_LABELS, True, lambda t: _bands(t.bmi, BMI_BREAKS))
SMOKER = Factor("smoker", ("no", "yes"), False, lambda t: t.smoker.cast("int64"))
DIABETES = Factor("diabetes", ("no", "yes"), False, lambda t: t.diabetes.cast("int64"))
RECONSTRUCTION = Factor("reconstruction_type", RECONSTRUCTION_TYPES, False,
                        lambda t: _codes(t.reconstruction_type, RECONSTRUCTION_TYPES))


def year_index_factor(n_years: int) -> Factor:
    """Year index: 0 for the latest 12 months of the fit window, 1 for the 12 before, and so on.

    Reads the column ``months_before`` (months between the spell's discharge month and the window's
    last month), which the cohort functions add.
    """
    labels = tuple("latest" if i == 0 else f"latest-{i}" for i in range(n_years))
    return Factor("year_index", labels, True,
                  lambda t: ibis.least(t.months_before // 12, n_years - 1).cast("int64"))


@dataclass(frozen=True)
class PatternSpec:
    """The factors of a model family and the number of model groups, defining the pattern key.

    The model group (diagnosis group, or 0 when there is one model) is the most significant digit, so
    ``key // n_patterns_per_group`` is the group.
    """

    factors: tuple[Factor, ...]
    n_groups: int

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.factors)

    @property
    def radix(self) -> tuple[int, ...]:
        return tuple(f.n_levels for f in self.factors)

    @property
    def patterns_per_group(self) -> int:
        return int(np.prod(self.radix, dtype=np.int64))

    def key(self, t: ir.Table, group: ir.IntegerValue) -> ir.IntegerValue:
        """The pattern key of each row of ``t`` as a BIGINT expression."""
        key = group.cast("int64")
        for f in self.factors:
            key = key * f.n_levels + f.expr(t)
        return key.cast("int64")

    def decode(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(group, codes)`` from pattern keys: ``codes[:, j]`` is the level of factor ``j``."""
        rest = np.asarray(keys, dtype=np.int64).copy()
        codes = np.empty((rest.size, len(self.factors)), dtype=np.int64)
        for j in range(len(self.factors) - 1, -1, -1):
            rest, codes[:, j] = np.divmod(rest, self.factors[j].n_levels)
        return rest, codes

    def encode(self, group: np.ndarray, codes: np.ndarray) -> np.ndarray:
        """The inverse of :meth:`decode` (used by tests and the benchmark baseline)."""
        key = np.asarray(group, dtype=np.int64).copy()
        for j, f in enumerate(self.factors):
            key = key * f.n_levels + codes[:, j]
        return key

"""The generator's true models for admitted spells: case mix, length of stay, mortality, coding.

Everything here works on whole numpy arrays (one element per spell). The mortality model is the truth
that case-mix methods (SHMI-like, HSMR-like, RA-CUSUM) are judged against:

.. math::

    \\operatorname{logit} p = \\alpha + \\beta_{0g} + \\beta_{1g}\\,\\frac{age - 70}{10} + 0.15\\,[male]
        + \\gamma_{class} + 0.12\\,C_{true} + 0.08\\cos(2\\pi (doy - 15)/365.25)
        + 1.8\\,\\max(0, 2.5 - bw/1000)\\,[perinatal] + q_t + s

where :math:`g` is the diagnosis group (parameters in ``diagnosis_groups.py``), :math:`C_{true}` the true
Charlson score, :math:`q_t` the trust's quality effect and :math:`s` the planted scenario effects;
:math:`\\alpha` is tuned once so that national crude mortality of ordinary spells is ~3.0% (calibration
section 2: 284,780 deaths / 9.33M SHMI spells, 3.05%, 2025). ``p`` is the probability of death in
hospital or within 30 days of discharge, the SHMI outcome.

Every patient-level term is one the SHMI risk model adjusts for (age, sex, admission method and day
case, admission month for the season, Charlson index, birthweight for perinatal groups), seen by the
model through its groupings (5-year age bands, Charlson groups, birthweight bands). What remains is
the trust (:math:`q_t`) and the planted scenarios (:math:`s`), which are what surveillance should find.
Care-home residence and being an emergency readmission used to raise the risk too (+0.4 and +0.2 log
odds); a SHMI-style model cannot see either, so a model judged against this truth would have trailed it
for reasons that are not its fault (per-group c-statistic up to 0.05 below the truth's). They now shape
what a SHMI-style model does not predict: care-home residents are readmitted more often
(``CARE_HOME_READMIT_LOGODDS`` in ``admissions.py``) and stay longer (``CARE_HOME_LOS_FACTOR``).

Coding is generated after the outcome and does not change ``p``: palliative care coding (~17% of
deaths, Dr Foster 2012/13) and, at the general-failure trust, deeper comorbidity coding.
"""

from __future__ import annotations

import numpy as np

from caresignal.synth.diagnosis_groups import GROUPS

# --- mortality model coefficients [A], see the module docstring -------------------------------------
INTERCEPT = -0.805              # alpha: national calibration to 3.05% of ordinary spells (tuned, see docstring)
MALE_LOGODDS = 0.15
CLASS_LOGODDS = {"emergency": 0.0, "transfer": 0.2, "elective": -1.9, "maternity": 0.0,
                 "day_case": -4.5, "regular_attender": -4.0}
CHARLSON_LOGODDS = 0.12
SEASON_LOGODDS = 0.08           # winter excess mortality, peak mid-January
BIRTHWEIGHT_LOGODDS = 1.8       # per kg below 2.5 kg, perinatal groups only

# --- case mix [A] --------------------------------------------------------------------------------
EMERGENCY_INDEX_TARGET = 0.315  # emergency share of index spells; readmissions bring all spells to ~36%
EMERGENCY_ALL_SPELLS = 0.36     # emergency share of all spells (HES: 35.5% in 2012, ~36% in 2024)
DAY_CASE_TARGET = 0.40          # day cases among index spells (34% of all spells, HES 2012)
FEMALE_SHARE = 0.52             # non sex-specific groups; maternity groups make it ~56% overall
SEX_SPECIFIC = {"Cancer of breast": 0.99, "Cancer of uterus and cervix": 1.0, "Cancer of ovary": 1.0,
                "Cancer of prostate": 0.0, "Hyperplasia of prostate": 0.0,
                "Diseases of female genital organs": 1.0, "Diseases of male genital organs": 0.0,
                "Liveborn, normal birthweight": 0.49}
REGULAR_ATTENDER = {"Chemotherapy and radiotherapy admissions": 0.2, "Chronic kidney disease": 0.15,
                    "Deficiency and other anaemia": 0.08, "Leukaemias": 0.08, "Multiple myeloma": 0.1}
TRANSFER_SHARE = 0.025          # of non-maternity ordinary admissions, arriving from another hospital
ZERO_LOS_EMERGENCY = 0.18       # emergency spells discharged the same day
CARE_HOME_LOS_FACTOR = 1.25     # care-home residents stay longer (frailty, discharge back to care) [A]
BIRTHWEIGHT_MEAN_SD = {"Liveborn, normal birthweight": (3400, 470),
                       "Short gestation, low birthweight and fetal growth retardation": (1850, 650),
                       "Respiratory distress and other perinatal respiratory conditions": (2700, 800),
                       "Neonatal jaundice and other perinatal conditions": (3150, 600)}

# --- coding [A] -----------------------------------------------------------------------------------
PALLIATIVE_OF_DEATHS = 0.17     # 16.4-17.3% of deaths coded palliative (Dr Foster 2012/13)
PALLIATIVE_SURVIVOR_FACTOR = 0.25  # survivors coded with probability 0.25 x true risk (near end of life)
IN_HOSPITAL_SHARE = 0.67        # in-hospital deaths are ~2/3 of SHMI deaths [A, calibration section 2]

_G = GROUPS
N = len(_G)
GROUP_SHARE = _G["share"].to_numpy()
GROUP_BASE = _G["base_logit"].to_numpy()
GROUP_SLOPE = _G["age_slope"].to_numpy()
GROUP_AGE_MEAN = _G["age_mean"].to_numpy()
GROUP_AGE_SD = _G["age_sd"].to_numpy()
GROUP_LOS = _G["los"].to_numpy()
IS_MATERNITY = _G["maternity"].to_numpy()
IS_PERINATAL = _G["perinatal_group"].to_numpy() == 1
IS_CHILD_GROUP = IS_PERINATAL | (_G["chapter_key"].to_numpy() == "XVII")
FEMALE_P = np.array([1.0 if ch == "XV" else SEX_SPECIFIC.get(n, FEMALE_SHARE)
                     for n, ch in zip(_G["group_name"], _G["chapter_key"])])
REGULAR_P = np.array([REGULAR_ATTENDER.get(n, 0.01) for n in _G["group_name"]])
BW_MEAN = np.array([BIRTHWEIGHT_MEAN_SD.get(n, (0, 0))[0] for n in _G["group_name"]], dtype=float)
BW_SD = np.array([BIRTHWEIGHT_MEAN_SD.get(n, (0, 0))[1] for n in _G["group_name"]], dtype=float)


def _odds_shift(p: np.ndarray, k: float) -> np.ndarray:
    return k * p / (1 - p + k * p)


def solve_odds(p: np.ndarray, weight: np.ndarray, target: float) -> float:
    """Odds multiplier k with sum(weight * shift(p, k)) / sum(weight) = target (bisection on log k)."""
    lo, hi = -8.0, 8.0
    for _ in range(60):
        mid = (lo + hi) / 2
        if (weight * _odds_shift(p, np.exp(mid))).sum() / weight.sum() < target:
            lo = mid
        else:
            hi = mid
    return float(np.exp((lo + hi) / 2))


_e_raw = np.where(IS_MATERNITY, 0.0, np.clip(_G["emergency"].to_numpy(), 1e-4, 1 - 1e-4))
EMERGENCY_ODDS = solve_odds(_e_raw, GROUP_SHARE, EMERGENCY_INDEX_TARGET)
GROUP_EMERGENCY = np.where(IS_MATERNITY, 0.0, _odds_shift(_e_raw, EMERGENCY_ODDS))
_dc_raw = np.clip(_G["day_case"].to_numpy(), 1e-4, 1 - 1e-4)
_elective_w = GROUP_SHARE * np.where(IS_MATERNITY, 0.0, 1 - GROUP_EMERGENCY) * (1 - REGULAR_P)
GROUP_DAY_CASE = np.where(_G["day_case"].to_numpy() == 0, 0.0,
                          _odds_shift(_dc_raw, solve_odds(_dc_raw, _elective_w,
                                                           DAY_CASE_TARGET / (_elective_w.sum() / GROUP_SHARE.sum()))))
# Follow-on spells of a patient (readmissions, later episodes) are drawn from the adult emergency mix.
_follow_w = np.where(IS_MATERNITY | IS_CHILD_GROUP, 0.0, GROUP_SHARE * GROUP_EMERGENCY)
FOLLOW_ON_CDF = np.cumsum(_follow_w) / _follow_w.sum()
GROUP_CDF = np.cumsum(GROUP_SHARE) / GROUP_SHARE.sum()
# Later spells of babies (beyond the neonatal period) come from common childhood groups [A].
_CHILD_LATER = ("Acute bronchitis", "Other upper respiratory infections", "Viral infection",
                "Intestinal infection", "Fever of unknown origin", "Otitis media and related conditions")
_child_w = np.where(_G["group_name"].isin(_CHILD_LATER).to_numpy(), GROUP_SHARE, 0.0)
CHILD_LATER_CDF = np.cumsum(_child_w) / _child_w.sum()


def sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


LOOKUP_BITS = 20  # inverse-CDF tables of 2^20 cells: probabilities exact to within 1e-6


def inverse_cdf_table(cdf: np.ndarray, offset: int = 0) -> np.ndarray:
    """A table whose cell ``i`` holds the category at quantile ``(i + 0.5) / 2^LOOKUP_BITS``.

    Drawing a uniform integer cell is then a single array lookup: much faster than ``searchsorted``
    for tens of millions of draws, with each probability rounded to a multiple of 2^-20.
    """
    q = (np.arange(1 << LOOKUP_BITS) + 0.5) / (1 << LOOKUP_BITS)
    idx = np.minimum(np.searchsorted(cdf, q, side="right"), len(cdf) - 1) + offset
    return idx.astype(np.int16 if idx.max() < 32767 and idx.min() > -32768 else np.int32)


def draw_from(rng: np.random.Generator, table: np.ndarray, n: int) -> np.ndarray:
    """``n`` draws from a distribution given by :func:`inverse_cdf_table`."""
    return table[rng.integers(0, table.size, n, dtype=np.int32)]


def draw_age(rng: np.random.Generator, group: np.ndarray, shift: np.ndarray | float) -> np.ndarray:
    """Age in years: normal per group (shifted for adults), truncated to 0-105; perinatal groups 0."""
    mean = GROUP_AGE_MEAN[group] + np.where(IS_CHILD_GROUP[group] | IS_MATERNITY[group], 0.0, shift)
    age = mean + GROUP_AGE_SD[group] * rng.standard_normal(group.size)
    # Fold rather than clip, so that no spike builds up at the bounds.
    age = np.abs(age)
    age = np.where(age > 105, 210 - age, age)
    age = np.where(IS_MATERNITY[group] & ~IS_PERINATAL[group], np.clip(age, 15, 50), age)
    return np.clip(np.rint(age), 0, 105).astype(np.int16)


CHARLSON_WEIGHTS = np.array([0.6, 0.3, 0.05, 0.0, 0.0, 0.05])  # P(weight 1, 2, ..., 6) of a condition [A]
_MAX_CONDITIONS = 40


def _extra_weight_tables() -> np.ndarray:
    """Row k: inverse-CDF table (2^12 cells) of the summed weights above 1 of k Charlson conditions."""
    step = CHARLSON_WEIGHTS  # as a pmf of the weight above 1: 0, 1, ..., 5
    pmf = np.array([1.0])
    rows = []
    q = (np.arange(1 << 12) + 0.5) / (1 << 12)
    for _ in range(_MAX_CONDITIONS + 1):
        rows.append(np.searchsorted(np.cumsum(pmf) / pmf.sum(), q, side="right").astype(np.int16))
        pmf = np.convolve(pmf, step)
    return np.stack(rows)


EXTRA_WEIGHT_TABLE = _extra_weight_tables()


def draw_comorbidity(rng: np.random.Generator, age: np.ndarray, emergency: np.ndarray,
                     extra_conditions: np.ndarray | float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """True number of secondary diagnoses and the Charlson index derived from them.

    Secondary diagnoses are Poisson with mean ``0.6 + 0.07 max(age - 20, 0) + [emergency]``; each is a
    Charlson condition with probability ``0.12 + 0.003 age`` and a condition weighs 1 (60%), 2 (30%), 3
    (5%) or 6 (5%), the spread of the Charlson weights [A]. Older emergency patients carry about 6
    secondary diagnoses and a median Charlson near 3 (calibration section 2: median 3 in a
    79%-emergency cohort). Drawn by Poisson thinning (conditions and other diagnoses are independent
    Poisson counts) and an exact lookup table of the summed weights given the number of conditions.
    """
    n = age.size
    mu = 0.6 + 0.07 * np.maximum(age - 20, 0) + 1.0 * emergency
    p = np.clip(0.12 + 0.003 * age, 0, 0.6)
    k = rng.poisson(mu * p)
    if np.any(np.asarray(extra_conditions) > 0):
        k = k + rng.poisson(extra_conditions, n)
    n_sec = k + rng.poisson(mu * (1 - p))
    k = np.minimum(k, _MAX_CONDITIONS)
    score = k + EXTRA_WEIGHT_TABLE[k, rng.integers(0, 1 << 12, n, dtype=np.int32)]
    return n_sec.astype(np.int16), score.astype(np.int16)


def length_of_stay(rng: np.random.Generator, group: np.ndarray, age: np.ndarray, cls: np.ndarray,
                   emergency: np.ndarray, care_home: np.ndarray | bool = False) -> np.ndarray:
    """Days from admission to discharge: 0 for day cases and regular attenders; 1 + a log-normal
    number of further days with the group's mean for ordinary spells, longer with age and for care-home
    residents (x ``CARE_HOME_LOS_FACTOR``); ~18% of emergencies same day [A]."""
    n = group.size
    mean = GROUP_LOS[group] * np.exp(0.008 * (age - 60)) * np.where(care_home, CARE_HOME_LOS_FACTOR, 1.0)
    # Stay beyond the first day is log-normal (sigma 0.9), a long right tail like real stays.
    mu = np.log(np.maximum(mean - 0.5, 0.3)) - 0.405
    los = 1 + np.floor(np.exp(mu + 0.9 * rng.standard_normal(n)))
    same_day = emergency & (rng.random(n) < ZERO_LOS_EMERGENCY)
    los = np.where(same_day | (cls > 0), 0, los)
    return np.minimum(los, 365).astype(np.int32)


def true_logit(group: np.ndarray, age: np.ndarray, male: np.ndarray, class_effect: np.ndarray,
               charlson_true: np.ndarray, season_cos: np.ndarray, birthweight: np.ndarray,
               trust_effect: np.ndarray | float) -> np.ndarray:
    """The true log-odds of death within 30 days of discharge (module docstring).

    Only case-mix terms a SHMI-style model adjusts for, plus ``trust_effect`` (quality and planted
    scenarios); care-home residence and readmission deliberately do not enter (module docstring).
    """
    x = (INTERCEPT + GROUP_BASE[group] + GROUP_SLOPE[group] * (age - 70.0) / 10.0
         + MALE_LOGODDS * male + class_effect
         + CHARLSON_LOGODDS * charlson_true + SEASON_LOGODDS * season_cos + trust_effect)
    bw_term = BIRTHWEIGHT_LOGODDS * np.maximum(0.0, 2.5 - birthweight / 1000.0)
    return x + np.where(IS_PERINATAL[group], bw_term, 0.0)

"""Written complaints: one row each, with the letter, acknowledgement, response and outcome.

Calibration (``england_calibration.md`` section 7): about 100,000 written hospital complaints a year
nationally (KO41a: 117,800 in 2016/17, about 103,900 in 2022-23), 4.0 / 7.8 / 13.5 per 1,000 spells at
trust P10 / median / P90; outcome of resolved complaints: fully upheld about 28% and partly upheld about
29% (2016/17 and 2022-23); acknowledgement is due within three working days (Local Authority Social
Services and NHS Complaints Regulations 2009, reg. 13); full responses take weeks.
"""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pandas as pd

from caresignal.domain.sources import COMPLAINT_OUTCOMES, COMPLAINTS, SERVICES
from caresignal.synth import soft_common as sc
from caresignal.synth.text.complaint_text import (CHILD_F, CHILD_M, SUBJECT_FEMALE, SUBJECT_MALE,
                                                  SUBJECT_SELF_F, SUBJECT_SELF_M, ComplaintText)
from caresignal.synth.text.themes import THEMES

NATIONAL_PER_YEAR = 100_000  # written hospital complaints a year, KO41a (section 7)
TRUST_RATE_LOG_SD = 0.4  # spread of complaint rates: P10/P90 4.0/13.5 around 7.8 per 1,000 spells
OUTCOME_SHARES = (0.28, 0.29, 0.39, 0.04)  # upheld, partly, not upheld, withdrawn (section 7; withdrawn [A])
ACK_ON_TIME = 0.88  # [A] acknowledged within 3 working days
RESPONSE_MEDIAN_DAYS = 35  # [A] median calendar days to the final response
# Service mix [A]: emergency, medical and surgical care dominate hospital complaints (KO41a by area).
SERVICE_WEIGHTS = {"emergency_department": 16, "general_medicine": 12, "elderly_care": 8, "general_surgery": 8,
                   "trauma_orthopaedics": 7, "cardiology": 4, "breast_surgery": 2, "maternity": 7,
                   "paediatrics": 4, "outpatients": 10, "radiology": 3, "oncology": 3, "urology": 3,
                   "gastroenterology": 3, "respiratory": 3, "ophthalmology": 3, "administration": 4}
SETTING_OF = {"emergency_department": 1, "maternity": 2, "outpatients": 3, "radiology": 3, "ophthalmology": 3,
              "administration": 3}  # else 0 (ward); indexes into complaint_text.SETTINGS
_T = {t: i for i, t in enumerate(THEMES)}
# Theme weights per setting [A]: communication is the largest subject (16.6% of complaints in 2022-23,
# section 7), then clinical and basic care, staff attitude, waiting and discharge.
THEME_WEIGHTS = {
    0: {"communication": 20, "staff_attitude": 12, "neglect": 9, "dignity": 6, "hydration_nutrition": 5,
        "pain": 6, "discharge": 10, "medication": 7, "cleanliness": 3, "waiting": 6, "facilities": 3},
    1: {"waiting": 25, "communication": 18, "staff_attitude": 15, "pain": 10, "neglect": 7, "dignity": 5,
        "discharge": 8, "medication": 4, "cleanliness": 3, "hydration_nutrition": 3, "facilities": 2},
    2: {"communication": 22, "staff_attitude": 18, "pain": 14, "neglect": 8, "dignity": 8, "waiting": 10,
        "discharge": 6, "medication": 4, "hydration_nutrition": 3, "cleanliness": 3},
    3: {"appointments": 28, "communication": 22, "waiting": 15, "staff_attitude": 10, "lost_referral": 6,
        "facilities": 6, "medication": 2, "dignity": 2},
}
FAILURE_THEME_MAP = {"hydration": "hydration_nutrition"}  # the scenario's words -> our theme names
FAILURE_THEME_BOOST = 5.0  # [A] weight multiplier of the failure themes at full effect
FAILURE_UPHELD = 0.45  # [A] upheld share at the failing trust once the failure is established


def generate_complaints(world, out_dir: Path, text: ComplaintText | None = None) -> int:
    """Write ``complaints.csv``; returns the number of rows."""
    if text is None:
        text = ComplaintText(random.Random(int(world.rng("complaints", "bank").integers(2**62))))
    rng = world.rng("complaints", "volume")
    n_org = len(world.orgs)
    starts, days, calendar = sc.month_arrays(world)
    gf = sc.scenario_of(world, "general_failure")
    failure = sc.ramp(world, "general_failure", ramp_months=4, source=COMPLAINTS.name)
    ratio = float(gf.effect.get("complaint_rate_ratio", 2.5)) if gf else 1.0
    level = np.exp(rng.normal(-TRUST_RATE_LOG_SD**2 / 2, TRUST_RATE_LOG_SD, n_org)
                   - 0.15 * sc.trait(world, "experience"))
    lam = (sc.volume(world, NATIONAL_PER_YEAR) * level)[:, None] / 12 * (days / sc.DAYS_PER_MONTH)[None, :]
    lam = lam * (1 + 0.06 * sc.winter(calendar))[None, :] * (1 + (ratio - 1) * failure)
    lam = lam * sc.noise_factor(world, COMPLAINTS.name)
    counts = sc.poisson_months(rng, lam, noise_sd=0.1)
    org = np.repeat(np.repeat(np.arange(n_org), len(world.months)), counts.ravel())
    month = np.repeat(np.tile(np.arange(len(world.months)), n_org), counts.ravel())
    n = len(org)
    rng = world.rng("complaints", "records")
    received = starts[month] + rng.integers(0, days[month]).astype("timedelta64[D]")
    order = np.lexsort((received, org))
    org, month, received = org[order], month[order], received[order]
    f = failure[org, month]

    services = np.array(SERVICES)
    w = np.array([SERVICE_WEIGHTS[s] for s in SERVICES], dtype=float)
    svc = rng.choice(len(SERVICES), size=n, p=w / w.sum())
    # a failing trust's complaints come mostly from its medical and elderly wards
    to_ward = (rng.random(n) < 0.5 * f)
    svc = np.where(to_ward, np.where(rng.random(n) < 0.5, SERVICES.index("elderly_care"),
                                     SERVICES.index("general_medicine")), svc)
    setting = np.array([SETTING_OF.get(s, 0) for s in SERVICES])[svc]
    subject = _subjects(rng, services[svc])
    tone = np.where(rng.random(n) < 0.35 + 0.25 * f, np.where(rng.random(n) < 0.5, 0, 1),
                    rng.choice(3, size=n, p=[0.35, 0.3, 0.35]))
    themes = _themes(rng, setting, f, gf)
    letters = text.letters(rng, setting, subject, tone, themes, received)

    ack_days = np.where(rng.random(n) < ACK_ON_TIME, rng.integers(1, 4, n), rng.integers(4, 12, n))
    acknowledged = np.busday_offset(received, ack_days, roll="forward").astype("datetime64[D]")
    resp = sc.trait(world, "responsiveness")[org]
    resp_days = np.ceil(RESPONSE_MEDIAN_DAYS * np.exp(rng.normal(0, 0.5, n) - 0.2 * resp)).astype(int)
    responded = received + np.maximum(resp_days, ack_days + 2).astype("timedelta64[D]")
    end = sc.period_end(world)
    acknowledged = np.where(rng.random(n) < 0.01, np.datetime64("NaT"), acknowledged)  # [A] never logged
    acknowledged = np.where(acknowledged > end, np.datetime64("NaT"), acknowledged)
    open_ = responded > end
    shares = np.array(OUTCOME_SHARES)
    p_up = shares[0] + (FAILURE_UPHELD - shares[0]) * f  # the other outcomes share the rest pro rata
    u = rng.random(n)
    rest = np.cumsum(shares[1:]) / shares[1:].sum()
    v = (u - p_up) / (1 - p_up)
    outcome_idx = np.where(u < p_up, 0, 1 + np.minimum(np.searchsorted(rest, v, side="right"), len(rest) - 1))
    outcome = np.array(COMPLAINT_OUTCOMES, dtype=object)[outcome_idx]
    outcome[open_] = ""
    responded = np.where(open_, np.datetime64("NaT"), responded)

    codes = world.orgs["org_code"].to_numpy()
    year = received.astype("datetime64[Y]").astype(int) + 1970
    seq = _sequence_within(org * 10_000 + year)
    frame = pd.DataFrame({
        "complaint_id": [f"{c}-CMP-{y}-{s:05d}" for c, y, s in zip(codes[org].tolist(), year.tolist(),
                                                                     seq.tolist())],
        "org_code": codes[org], "received_date": sc.dates_iso(received), "service": services[svc],
        "text": letters, "acknowledged_date": sc.dates_iso(acknowledged),
        "responded_date": sc.dates_iso(responded), "outcome": outcome,
    })
    return sc.write_csv(frame, COMPLAINTS, out_dir)


def _sequence_within(group: np.ndarray) -> np.ndarray:
    """1, 2, 3, ... within runs of equal ``group`` values (input sorted by group)."""
    n = len(group)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    start = np.r_[True, group[1:] != group[:-1]]
    idx = np.arange(n)
    return idx - np.maximum.accumulate(np.where(start, idx, 0)) + 1


def _subjects(rng: np.random.Generator, service: np.ndarray) -> np.ndarray:
    """Who the letter is about: the writer, a relative, or a child (paediatrics)."""
    n = len(service)
    female = rng.random(n) < 0.55
    self_share = np.where(np.isin(service, ["elderly_care"]), 0.1,
                          np.where(np.isin(service, ["outpatients", "administration", "ophthalmology",
                                                     "radiology", "breast_surgery", "maternity"]), 0.75, 0.45))
    is_self = rng.random(n) < self_share
    subject = np.where(is_self, np.where(female, SUBJECT_SELF_F, SUBJECT_SELF_M),
                       np.where(female, SUBJECT_FEMALE, SUBJECT_MALE))
    subject = np.where(service == "paediatrics", np.where(female, CHILD_F, CHILD_M), subject)
    subject = np.where((service == "maternity") & is_self, SUBJECT_SELF_F, subject)
    subject = np.where((service == "breast_surgery") & is_self, SUBJECT_SELF_F, subject)
    return subject


def _themes(rng: np.random.Generator, setting: np.ndarray, f: np.ndarray, gf) -> np.ndarray:
    """Up to three distinct themes per complaint (n, 3), -1 where none."""
    n = len(setting)
    failure_themes = [FAILURE_THEME_MAP.get(t, t) for t in (gf.effect.get("complaint_themes", []) if gf else [])]
    out = np.full((n, 3), -1, dtype=np.int64)
    k = 1 + (rng.random(n) < 0.55) + (rng.random(n) < 0.2)
    k = np.where(f > 0, np.maximum(k, 2), k)
    for s, weights in THEME_WEIGHTS.items():
        rows = np.flatnonzero(setting == s)
        if rows.size == 0:
            continue
        base = np.array([weights.get(t, 0.0) for t in THEMES])
        boost = np.array([FAILURE_THEME_BOOST if t in failure_themes else 1.0 for t in THEMES])
        w = base[None, :] * (1 + (boost - 1)[None, :] * f[rows, None])
        # Gumbel top-k: k distinct themes drawn with probability proportional to the weights
        # (without replacement), for all rows at once.
        keys = np.log(np.where(w > 0, w, 1e-300)) + rng.gumbel(size=w.shape)
        keys[w <= 0] = -np.inf
        top = np.argsort(-keys, axis=1)[:, :3]
        for j in range(3):
            out[rows, j] = np.where(j < k[rows], top[:, j], -1)
    return out

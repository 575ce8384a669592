"""Operational sources of the synthetic England: A&E, waits, diagnostics, the administrative backlog,
incidents, never events, safety alerts, the staff survey and commissioners' information requests
(see ``docs/synthetic-text-and-operations.md``).

``generate_operational(world, out_dir)`` is the entry point that ``caresignal.synth.generate`` calls.

Calibration (``england_calibration.md`` sections 4 and 6): A&E 2.0-2.2 million attendances a month,
63-65% type 1; 4-hour performance about 88% over all types and 81-82% for type 1 (2018/19), winter low
about 76%, trust P10/P90 72%/92%; never events 370 in 2023/24 with its category mix; incidents graded
68% no harm, 25% low, 6% moderate, 1% severe or death, reported at about 45-65 per 1,000 occupied bed days;
staff survey medians (engagement 6.84, morale 5.84, raising concerns 6.38, burnout 4.94, negative
experiences 7.90).
"""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pandas as pd

from caresignal.domain.sources import (AE_MONTHLY, INCIDENTS_MONTHLY, NEVER_EVENT_CATEGORIES, NEVER_EVENTS,
                                       STAFF_SURVEY)
from caresignal.synth import soft_common as sc
from caresignal.synth.governance import generate_information_requests, generate_safety_alerts
from caresignal.synth.text.grammar import Grammar, build_bank
from caresignal.synth.text.professional_rules import NEVER_EVENT_RULES
from caresignal.synth.waits import generate_admin_backlog, generate_diagnostics, generate_rtt

TYPE1_PER_MONTH = 1_400_000  # type 1 attendances a month at scale 1 (64% of 2.2M, section 4)
OTHER_PER_MONTH = 800_000  # type 2 and 3
TYPE1_4H = 0.81  # type 1 within 4 hours, median trust (section 4: 81.5-82.3%)
TYPE1_TRUST_LOGIT_SD = 0.55  # trust P10/P90 72%/92% (section 4)
TYPE1_WINTER_LOGIT = 0.3  # winter low ~76% (Feb 2019, section 4)
OTHER_4H = 0.975  # type 2/3 within 4 hours [A], giving ~88% over all types
TYPE1_CONVERSION = 0.29  # emergency admissions per type 1 attendance (section 4: 27.5-29.9%)
OVER_12H_OF_BREACHES = 0.08  # [A] of 4-hour breaches, over 12 hours from arrival
OCCUPIED_BED_DAYS = 33_900_000  # G&A occupied bed days a year at scale 1 (section 6)
INCIDENTS_PER_1000_OBD = 55  # reporting rate (section 6: 45-65)
HARM_SHARES = (0.68, 0.25, 0.06, 0.007, 0.003)  # no, low, moderate, severe, death (section 6)
NEVER_EVENTS_PER_YEAR = 370  # 2023/24 (section 6)
NEVER_EVENT_MIX = {"wrong_site_surgery": 179, "retained_foreign_object": 81, "wrong_implant": 37,
                   "misplaced_ng_tube": 22, "wrong_route_medication": 20, "abo_incompatible_transfusion": 10,
                   "insulin_overdose": 10, "other": 11}  # 2023/24 counts (section 6)
NEVER_EVENT_SERVICES = {
    "wrong_site_surgery": ("general_surgery", "trauma_orthopaedics", "ophthalmology", "radiology", "urology",
                           "breast_surgery", "outpatients"),
    "retained_foreign_object": ("general_surgery", "maternity", "trauma_orthopaedics", "urology"),
    "wrong_implant": ("trauma_orthopaedics", "ophthalmology", "breast_surgery"),
    "misplaced_ng_tube": ("general_medicine", "elderly_care", "respiratory"),
    "wrong_route_medication": ("general_medicine", "oncology", "paediatrics"),
    "abo_incompatible_transfusion": ("general_medicine", "general_surgery", "maternity"),
    "insulin_overdose": ("general_medicine", "elderly_care"), "other": ("general_medicine", "paediatrics"),
}
SURVEY = {  # median, between-trust SD (section 8), fall under a general failure (world contract: ~0.7)
    "engagement": (6.84, 0.22, 1.0), "morale": (5.84, 0.25, 1.0), "raising_concerns": (6.38, 0.25, 1.1),
    "burnout": (4.94, 0.2, 0.6), "negative_experiences": (7.90, 0.2, 0.6), "recommend_care": (63.0, 7.0, 14.0),
}
SURVEY_RESPONSES = 0.46 * 14_000 / 1.0  # response rate 46-48% x median workforce (section 8), per unit size
SURVEY_MONTH = 11  # fieldwork runs October to November
PUBLISHED_MONTH = 3  # results are published the following March


def generate_operational(world, out_dir: Path) -> dict[str, int]:
    """Write the ten operational sources into ``out_dir``; returns rows per file name."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    rows = {AE_MONTHLY.file: generate_ae(world, out_dir)}
    rows["rtt_monthly.csv"] = generate_rtt(world, out_dir)
    rows["diagnostics_monthly.csv"] = generate_diagnostics(world, out_dir)
    rows["admin_backlog_monthly.csv"] = generate_admin_backlog(world, out_dir)
    rows[INCIDENTS_MONTHLY.file] = generate_incidents(world, out_dir)
    rows[NEVER_EVENTS.file] = generate_never_events(world, out_dir)
    rows.update(generate_safety_alerts(world, out_dir))
    rows[STAFF_SURVEY.file] = generate_staff_survey(world, out_dir)
    rows["information_requests.csv"] = generate_information_requests(world, out_dir)
    return rows


def _expit(x):
    return 1 / (1 + np.exp(-x))


def _logit(p):
    return np.log(p / (1 - p))


def generate_ae(world, out_dir: Path) -> int:
    rng = world.rng("ae_monthly")
    n_org, n_m = len(world.orgs), len(world.months)
    _, days, calendar = sc.month_arrays(world)
    w = sc.winter(calendar)[None, :]
    has_ed = sc.nonspecialist(world)
    month_len = (days / sc.DAYS_PER_MONTH)[None, :]
    att1 = sc.poisson_months(rng, sc.volume(world, TYPE1_PER_MONTH * 12, has_ed)[:, None] / 12 * month_len
                             * (1 - 0.03 * w), noise_sd=0.04)
    att_o = sc.poisson_months(rng, sc.volume(world, OTHER_PER_MONTH * 12, has_ed)[:, None] / 12 * month_len
                              * (1 - 0.05 * w), noise_sd=0.06)
    perf = sc.trait(world, "ae_perf")[:, None]
    noise = np.log(sc.noise_factor(world, AE_MONTHLY.name))  # odds ratio of a breach in the bad month
    logit1 = (_logit(TYPE1_4H) + TYPE1_TRUST_LOGIT_SD * perf - TYPE1_WINTER_LOGIT * w
              + rng.normal(0, 0.12, (n_org, n_m)) - noise)
    breach1 = rng.binomial(att1, 1 - _expit(logit1))
    breach_o = rng.binomial(att_o, 1 - _expit(_logit(OTHER_4H) + 0.3 * perf - 0.2 * w - 0.5 * noise))
    admitted = rng.binomial(att1, TYPE1_CONVERSION) + rng.binomial(att_o, 0.01)
    q12 = np.clip(OVER_12H_OF_BREACHES * np.exp(-0.5 * perf + 0.3 * w + 0.5 * noise), 0, 0.8)
    over12 = rng.binomial(breach1, q12)
    frame = pd.DataFrame({
        "org_code": np.repeat(world.orgs["org_code"].to_numpy(), n_m), "month": np.tile(world.months, n_org),
        "attendances_type1": att1.ravel(), "breaches_type1": breach1.ravel(),
        "attendances_other": att_o.ravel(), "breaches_other": breach_o.ravel(),
        "emergency_admissions_via_ae": admitted.ravel(), "waits_over_12h": over12.ravel(),
    })
    frame = frame[np.repeat(has_ed, n_m)]  # trusts without an emergency department send no return
    return sc.write_csv(frame, AE_MONTHLY, out_dir)


def generate_incidents(world, out_dir: Path) -> int:
    rng = world.rng("incidents_monthly")
    n_org, n_m = len(world.orgs), len(world.months)
    _, days, calendar = sc.month_arrays(world)
    obd = sc.poisson_months(rng, sc.volume(world, OCCUPIED_BED_DAYS)[:, None] / 365.25 * days[None, :]
                            * (1 + 0.03 * sc.winter(calendar))[None, :], noise_sd=0.02)
    culture = sc.trait(world, "safety_culture")[:, None]
    gf = sc.scenario_of(world, "general_failure")
    ratio = float(gf.effect.get("incident_reporting_ratio", 0.5)) if gf else 1.0
    failure = sc.ramp(world, "general_failure", ramp_months=4, source=INCIDENTS_MONTHLY.name)
    rate = INCIDENTS_PER_1000_OBD / 1000 * np.exp(0.2 * culture + rng.normal(0, 0.15, (n_org, 1)))
    lam = obd * rate * np.exp(rng.normal(0, 0.05, (n_org, n_m)))
    shares = np.array(HARM_SHARES)
    # Under-reporting at a failing trust loses mostly the no- and low-harm reports (the harm is still
    # there; the culture of reporting it is not), so harmful incidents fall less [A].
    damp = np.array([1, 1, 0.4, 0.3, 0.3])
    counts = np.stack([rng.poisson(lam * s * (1 - (1 - ratio) * failure * d)) for s, d in zip(shares, damp)])
    frame = pd.DataFrame({
        "org_code": np.repeat(world.orgs["org_code"].to_numpy(), n_m), "month": np.tile(world.months, n_org),
        "no_harm": counts[0].ravel(), "low_harm": counts[1].ravel(), "moderate_harm": counts[2].ravel(),
        "severe_harm": counts[3].ravel(), "death": counts[4].ravel(), "occupied_bed_days": obd.ravel(),
    })
    return sc.write_csv(frame, INCIDENTS_MONTHLY, out_dir)


def generate_never_events(world, out_dir: Path) -> int:
    rng = world.rng("never_events")
    rnd = random.Random(int(world.rng("never_events", "text").integers(2**62)))
    n_org, n_m = len(world.orgs), len(world.months)
    starts, days, _ = sc.month_arrays(world)
    cats = list(NEVER_EVENT_CATEGORIES)
    mix = np.array([NEVER_EVENT_MIX[c] for c in cats], dtype=float)
    lam = (sc.volume(world, NEVER_EVENTS_PER_YEAR) * np.exp(-0.2 * sc.trait(world, "safety_culture")))[:, None] \
        / 12 * (days / sc.DAYS_PER_MONTH)[None, :]
    counts = rng.poisson(lam)
    if counts.sum() == 0:  # tiny worlds: keep one event so the file is never a bare header [A]
        counts.ravel()[int(np.argmax(lam.ravel()))] = 1
    org = np.repeat(np.repeat(np.arange(n_org), n_m), counts.ravel())
    month = np.repeat(np.tile(np.arange(n_m), n_org), counts.ravel())
    n = len(org)
    event = starts[month] + rng.integers(0, days[month]).astype("timedelta64[D]")
    reported = event + np.ceil(np.exp(rng.normal(np.log(4), 0.9, n))).astype("timedelta64[D]")
    keep = reported <= sc.period_end(world)  # not yet reported at the end of the period: not in the file
    if not keep.any() and n:
        keep[int(np.argmin(reported))] = True
        reported = np.minimum(reported, sc.period_end(world))
    org, event, reported = org[keep], event[keep], reported[keep]
    cat = rng.choice(len(cats), size=len(org), p=mix / mix.sum())
    service = [NEVER_EVENT_SERVICES[cats[c]][int(rng.integers(len(NEVER_EVENT_SERVICES[cats[c]])))]
               for c in cat.tolist()]
    grammar = Grammar(NEVER_EVENT_RULES)
    bank = {c: build_bank(grammar, c, 30, rnd) for c in cats}
    text = [bank[cats[c]][int(rng.integers(len(bank[cats[c]])))] for c in cat.tolist()]
    order = np.lexsort((org, event))
    codes = world.orgs["org_code"].to_numpy()
    year = event.astype("datetime64[Y]").astype(int) + 1970
    frame = pd.DataFrame({
        "event_id": [f"NE-{year[i]}-{k + 1:05d}" for k, i in enumerate(order.tolist())],
        "org_code": codes[org[order]], "event_date": sc.dates_iso(event[order]),
        "reported_date": sc.dates_iso(reported[order]), "category": np.array(cats)[cat[order]],
        "service": np.array(service, dtype=object)[order], "description": np.array(text, dtype=object)[order],
    })
    return sc.write_csv(frame, NEVER_EVENTS, out_dir)


def generate_staff_survey(world, out_dir: Path) -> int:
    rng = world.rng("staff_survey")
    n_org = len(world.orgs)
    # A survey year is in the file when its fieldwork (October-November) or the publication of its
    # results (the following March) falls inside the period.
    years = sorted({int(m[:4]) for m in world.months if int(m[5:]) in (10, SURVEY_MONTH)}
                   | {int(m[:4]) - 1 for m in world.months if int(m[5:]) == PUBLISHED_MONTH})
    morale = sc.trait(world, "staff_morale")
    failure = sc.ramp(world, "general_failure", ramp_months=4, source=STAFF_SURVEY.name)
    gf = sc.scenario_of(world, "general_failure")
    drop = float(gf.effect.get("staff_survey_drop", 0.7)) if gf else 0.0
    trust_part = {k: rng.standard_normal(n_org) for k in SURVEY}
    frames = []
    for year in years:
        field = f"{year}-{SURVEY_MONTH:02d}"
        f = failure[:, world.month_index(field)] if field in world.months else np.zeros(n_org)
        data = {"org_code": world.orgs["org_code"].to_numpy(), "survey_year": np.full(n_org, year)}
        data["responses"] = np.maximum(1, rng.poisson(SURVEY_RESPONSES * world.orgs["size"].to_numpy()
                                                      * world.scale * rng.uniform(0.8, 1.2, n_org)))
        for k, (median, sd, fall) in SURVEY.items():
            z = 0.75 * morale + 0.5 * trust_part[k] + 0.3 * rng.standard_normal(n_org)
            value = median + sd * z / np.sqrt(0.75**2 + 0.5**2 + 0.3**2) - drop * fall * f
            top = 100.0 if k == "recommend_care" else 10.0
            data[k] = np.round(np.clip(value, 0, top), 1 if k == "recommend_care" else 2)
        frames.append(pd.DataFrame(data))
    frame = (pd.concat(frames, ignore_index=True) if frames
             else pd.DataFrame(columns=list(STAFF_SURVEY.column_names)))
    return sc.write_csv(frame[list(STAFF_SURVEY.column_names)], STAFF_SURVEY, out_dir)

"""National patient safety alerts with each trust's completion, and commissioners' information requests.

Alerts (``england_calibration.md`` section 6): the NPSA issued about ten alerts a year (53 in 2004-09);
NatPSAs since 2019 are fewer and action-based, each with its own deadline weeks to months after issue.
About half of trusts fail at least one alert by its deadline (the world's ``alert_noncompliance``
scenarios, and only those: every other trust completes every alert on time).

Information requests [A]: commissioners (ICBs) ask each provider for information a few times a month,
with 10 to 28 days to answer; most answers come on time. These are organisational events, so their
number does not scale with ``world.scale``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from caresignal.domain.sources import INFORMATION_REQUESTS, SAFETY_ALERT_COMPLIANCE, SAFETY_ALERTS
from caresignal.synth import soft_common as sc

ALERTS_PER_YEAR = 12  # brief: 10-15 a year; NPSA ~10 a year (section 6)
DEADLINE_DAYS = (28, 42, 56, 90, 120, 180, 270)  # [A] weeks to months after issue
ALERT_TITLES = (
    "Risk of death from inadvertent administration of concentrated potassium",
    "Safer temporary identification criteria for unknown or unidentified patients",
    "Risk of harm from inappropriate placement of pulse oximeter probes",
    "Recognising and responding to deterioration in children",
    "Eliminating the risk of inadvertent connection to medical air via flowmeters",
    "Depletion of oxygen cylinders in community and ambulance settings",
    "Safe use of emollient-based skin products near naked flames",
    "Preventing delays in the management of suspected spinal cord compression",
    "Reducing the risk of oesophageal intubation",
    "Potential for wrong-site blocks during regional anaesthesia",
    "Valproate: risk of harm in people who may become pregnant",
    "Shortage of a widely used glucagon-like peptide-1 agonist",
    "Safe storage of medicines in patients' homes after discharge",
    "Risks of chest drain insertion at the wrong site",
    "Management of patients on anticoagulants who fall in hospital",
    "Reducing harm from delayed insulin doses in hospital",
    "Safe use of mental health restraint equipment",
    "Risk of misplaced nasogastric feeding tubes in adults",
    "Failure to follow up abnormal imaging results",
    "Safety of bed rails for older patients",
    "Risk of harm from incorrect use of paediatric infusion pumps",
    "Transition from paper to electronic prescribing: duplicate doses",
)
LATE_DAYS = (14, 240)  # [A] a missed deadline is met this many days late (uniform), if at all
REQUESTS_PER_MONTH = 2.5  # [A] per trust of average size
REQUEST_DUE_DAYS = (10, 15, 20, 28)
ON_TIME_LOGIT = 2.0  # [A] about 88% answered by the due date at an average trust
SUBJECTS = (
    "Assurance on clinical harm reviews for patients waiting over 52 weeks",
    "Serious incident report and action plan", "Mortality review findings for the last quarter",
    "Validation of the elective waiting list", "Response to a GP concern about discharge summaries",
    "Cancer 62-day breach root cause analyses", "Evidence of compliance with an overdue safety alert",
    "Staffing levels on medical wards over winter", "Complaints themes and actions taken",
    "Infection prevention and control assurance", "Maternity safety champion report",
    "Data on unbooked referrals and outpatient letters", "Quality account draft for comment",
    "Never event investigation report", "Board assurance framework extract",
)
BOOKING_SUBJECTS = ("Urgent: referrals received but not booked, by specialty",
                    "Clinical harm review of patients affected by the booking system fault",
                    "Outpatient letters not sent: size of backlog and recovery plan",
                    "Validation of the elective waiting list")


def generate_safety_alerts(world, out_dir: Path) -> dict[str, int]:
    """Write ``safety_alerts.csv`` and ``safety_alert_compliance.csv``; returns rows per file."""
    rng = world.rng("safety_alerts")
    first = world.month_starts()[0]
    end = sc.period_end(world)
    span = int((end - first).astype(int)) + 1
    n = max(1, int(rng.poisson(ALERTS_PER_YEAR * len(world.months) / 12)))
    issued = np.sort(first + rng.integers(0, span, n).astype("timedelta64[D]"))
    deadline = issued + rng.choice(DEADLINE_DAYS, n).astype("timedelta64[D]")
    if not (deadline <= end).any() and span > min(DEADLINE_DAYS):
        # make sure at least one alert falls due inside the period, so non-compliance can show
        issued[0] = first
        deadline[0] = first + np.timedelta64(min(DEADLINE_DAYS), "D")
    titles = rng.choice(len(ALERT_TITLES), n, replace=n > len(ALERT_TITLES))
    year = issued.astype("datetime64[Y]").astype(int) + 1970
    seq = np.ones(n, dtype=int)
    for i in range(1, n):
        seq[i] = seq[i - 1] + 1 if year[i] == year[i - 1] else 1
    ids = [f"NatPSA/{y}/{s:03d}/SYN" for y, s in zip(year.tolist(), seq.tolist())]
    alerts = pd.DataFrame({"alert_id": ids, "title": np.array(ALERT_TITLES)[titles],
                           "issued_date": sc.dates_iso(issued), "deadline_date": sc.dates_iso(deadline)})

    codes = world.orgs["org_code"].to_numpy()
    miss_p = np.zeros(len(codes))
    for s in world.scenarios_of("alert_noncompliance"):
        miss_p[world.org_position(s.org_code)] = float(s.effect.get("miss_probability", 0.3))
    due = deadline <= end
    miss = (rng.random((len(codes), n)) < miss_p[:, None]) & due[None, :]
    must = (miss_p > 0) & ~miss.any(axis=1)
    if due.any():  # every non-compliant trust misses at least one alert that has fallen due
        due_idx = np.flatnonzero(due)
        pick = due_idx[rng.integers(0, len(due_idx), len(codes))]
        miss[np.flatnonzero(must), pick[must]] = True
    window = (deadline - issued).astype(int)
    early = rng.integers(0, np.maximum(window, 1)[None, :].repeat(len(codes), 0) // 2 + 1)
    on_time = deadline[None, :] - early.astype("timedelta64[D]")
    late = deadline[None, :] + rng.integers(LATE_DAYS[0], LATE_DAYS[1], (len(codes), n)).astype("timedelta64[D]")
    completed = np.where(miss, late, on_time)
    completed = np.where(completed > end, np.datetime64("NaT"), completed)  # still open at the period end
    org_i, alert_i = np.meshgrid(np.arange(len(codes)), np.arange(n), indexing="ij")
    comp = pd.DataFrame({
        "alert_id": np.array(ids)[alert_i.ravel()], "org_code": codes[org_i.ravel()],
        "deadline_date": sc.dates_iso(deadline[alert_i.ravel()]), "completed_date": sc.dates_iso(completed.ravel()),
    }).sort_values(["alert_id", "org_code"], kind="stable")
    return {SAFETY_ALERTS.file: sc.write_csv(alerts, SAFETY_ALERTS, out_dir),
            SAFETY_ALERT_COMPLIANCE.file: sc.write_csv(comp, SAFETY_ALERT_COMPLIANCE, out_dir)}


def generate_information_requests(world, out_dir: Path) -> int:
    """Write ``information_requests.csv``; returns the number of rows."""
    rng = world.rng("information_requests")
    n_org, n_m = len(world.orgs), len(world.months)
    starts, days, _ = sc.month_arrays(world)
    size = world.orgs["size"].to_numpy()
    counts = rng.poisson(REQUESTS_PER_MONTH * (0.5 + 0.5 * size)[:, None] * np.ones((1, n_m)))
    booking = sc.ramp(world, "booking_failure", ramp_months=1, source=INFORMATION_REQUESTS.name)
    counts = counts + rng.poisson(2.0 * booking)  # [A] the ICB asks more once it knows
    org = np.repeat(np.repeat(np.arange(n_org), n_m), counts.ravel())
    month = np.repeat(np.tile(np.arange(n_m), n_org), counts.ravel())
    n = len(org)
    sent = np.busday_offset(starts[month], rng.integers(0, 19, n), roll="forward").astype("datetime64[D]")
    sent = np.minimum(sent, starts[month] + (days[month] - 1).astype("timedelta64[D]"))
    due = sent + rng.choice(REQUEST_DUE_DAYS, n).astype("timedelta64[D]")
    f = booking[org, month]
    p_on_time = 1 / (1 + np.exp(-(ON_TIME_LOGIT + 0.6 * sc.trait(world, "responsiveness")[org])))
    u = rng.random(n)
    answered = np.where(u < p_on_time, due - rng.integers(0, 8, n).astype("timedelta64[D]"),
                        due + np.ceil(np.exp(rng.normal(np.log(10), 0.7, n))).astype("timedelta64[D]"))
    answered = np.maximum(answered, sent)
    never = rng.random(n) < 0.02  # [A] a few requests are never answered
    bf = sc.scenario_of(world, "booking_failure")
    answer_rate = float(bf.effect.get("info_request_answer_rate", 0.2)) if bf else 1.0
    never |= (f > 0) & (rng.random(n) >= answer_rate)
    answered = np.where(never | (answered > sc.period_end(world)), np.datetime64("NaT"), answered)
    subject = np.array(SUBJECTS)[rng.integers(0, len(SUBJECTS), n)]
    about_booking = (f > 0) & (rng.random(n) < 0.6)
    subject = np.where(about_booking, np.array(BOOKING_SUBJECTS)[rng.integers(0, len(BOOKING_SUBJECTS), n)],
                       subject)
    order = np.lexsort((org, sent))
    codes = world.orgs["org_code"].to_numpy()
    frame = pd.DataFrame({
        "request_id": [f"IR-{codes[o]}-{k + 1:05d}" for k, o in enumerate(org[order].tolist())],
        "org_code": codes[org[order]], "commissioner": world.orgs["icb"].to_numpy()[org[order]],
        "subject": subject[order], "sent_date": sc.dates_iso(sent[order]), "due_date": sc.dates_iso(due[order]),
        "answered_date": sc.dates_iso(answered[order]),
    })
    return sc.write_csv(frame, INFORMATION_REQUESTS, out_dir)

"""Waiting lists: referral to treatment by specialty, diagnostic tests by modality, and the
administrative backlog (referrals not booked, letters not sent).

Calibration (``england_calibration.md`` sections 5 and 10): about 7 million incomplete RTT pathways in
2023-25 (7.4-7.7M; 6.6M in 2026), 58-63% within 18 weeks, 1.6-3.7% over 52 weeks, trust P10/P90 within 18
weeks 57%/71%; diagnostics: 16-22% waiting over six weeks (trust P10/P90 4%/37%), MRI median wait about two
weeks, 2-3% of CT/MRI reported after 28 days (2023).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from caresignal.domain.sources import (ADMIN_BACKLOG_MONTHLY, DIAGNOSTIC_MODALITIES, DIAGNOSTICS_MONTHLY,
                                       RTT_MONTHLY, RTT_SPECIALTIES)
from caresignal.synth import soft_common as sc

RTT_NATIONAL = 7_200_000  # incomplete pathways at scale 1 (section 5)
RTT_WITHIN18 = 0.61  # national share within 18 weeks (section 5: 58.3-62.6%)
RTT_TRUST_LOGIT_SD = 0.28  # trust P10/P90 57%/71% (section 5)
OVER52_OF_OVER18 = 0.05  # share of the over-18-week waiters past 52 weeks: ~2% of the list (section 5)
HARM_REVIEW_DONE = 0.88  # [A] reviews completed of those due, before any failure
HARM_FOUND = 0.04  # [A] reviews finding moderate or severe harm
# Share of the list by specialty [A], from the shape of the published RTT tables (orthopaedics,
# ophthalmology, ENT and gynaecology largest; "other" the catch-all), with a logit offset for the
# within-18-week share (surgical specialties worse, cardiology and breast better).
RTT_SHARE = {"general_surgery": 6, "urology": 5, "trauma_orthopaedics": 11, "ent": 7, "ophthalmology": 9,
             "oral_surgery": 3, "plastic_surgery": 2, "cardiothoracic_surgery": 0.5, "general_medicine": 1,
             "gastroenterology": 5, "cardiology": 4, "dermatology": 5, "respiratory": 3, "neurology": 2,
             "rheumatology": 2, "geriatric_medicine": 0.5, "gynaecology": 8, "breast_surgery": 1, "other": 25}
RTT_OFFSET = {"trauma_orthopaedics": -0.35, "ent": -0.3, "oral_surgery": -0.4, "gynaecology": -0.25,
              "plastic_surgery": -0.2, "general_surgery": -0.15, "cardiology": 0.25, "breast_surgery": 0.6,
              "geriatric_medicine": 0.5, "general_medicine": 0.3, "dermatology": -0.1}
# Diagnostics [A]: tests a month nationally at scale 1 (46.2M imaging tests a year, section 10, plus
# endoscopy and echocardiography), list size in months of activity, median report days, share reported
# after 28 days (2-3% of CT/MRI in 2023, section 10), and a logit offset for waits over six weeks.
DIAG = {  # modality: (tests/month, list months, median report days, over-28 share, 6-week logit offset)
    "mri": (330_000, 0.8, 3.0, 0.03, 0.0), "ct": (620_000, 0.5, 1.5, 0.025, -0.4),
    "ultrasound": (850_000, 0.7, 0.3, 0.005, 0.1), "endoscopy": (150_000, 1.3, 2.0, 0.02, 0.5),
    "echocardiography": (140_000, 1.2, 0.5, 0.005, 0.5), "mammography": (170_000, 0.4, 4.0, 0.02, -0.6),
}
DIAG_OVER6 = 0.18  # national share waiting over six weeks (section 10: 16-22%)
REFERRALS_NATIONAL = 1_700_000  # [A] referrals a month (RTT clock starts are about 1.6-1.8M)
NOT_BOOKED_SHARE = 0.06  # [A] of a month's referrals still unbooked at month end (received late in month)
LETTERS_PER_REFERRAL = 5  # [A] clinic letters a month per referral received (follow-ups included)
LETTERS_BACKLOG_SHARE = 0.02  # [A] of a month's letters not yet sent at month end


def _expit(x):
    return 1 / (1 + np.exp(-x))


def _logit(p):
    return np.log(p / (1 - p))


def generate_rtt(world, out_dir: Path) -> int:
    rng = world.rng("rtt_monthly")
    n_org, n_m = len(world.orgs), len(world.months)
    specs = list(RTT_SPECIALTIES)
    share = np.array([RTT_SHARE[s] for s in specs], dtype=float)
    share /= share.sum()
    _, _, calendar = sc.month_arrays(world)
    base = sc.volume(world, RTT_NATIONAL)[:, None] * share[None, :]  # (org, spec)
    # a specialist trust has only some specialties
    spec_mask = np.where(sc.nonspecialist(world)[:, None], 1.0, rng.random((n_org, len(specs))) < 0.35)
    level = np.exp(rng.normal(0, 0.2, (n_org, len(specs))))
    drift = np.cumsum(rng.normal(0, 0.015, (n_org, len(specs), n_m)), axis=2)  # slow random walk
    expected = base[:, :, None] * spec_mask[:, :, None] * level[:, :, None] * np.exp(drift)
    expected *= (1 + 0.02 * sc.winter(calendar))[None, None, :]
    bf = sc.scenario_of(world, "booking_failure")
    collapse = sc.ramp(world, "booking_failure", ramp_months=6, source=RTT_MONTHLY.name)[:, None, :]
    expected *= 1 + 0.15 * collapse  # unbooked referrals eventually join the list
    incomplete = rng.poisson(expected)
    rtt = sc.trait(world, "rtt_perf")
    offset = np.array([RTT_OFFSET.get(s, 0.0) for s in specs])
    logit18 = (_logit(RTT_WITHIN18) + RTT_TRUST_LOGIT_SD * rtt[:, None, None] + offset[None, :, None]
               + rng.normal(0, 0.05, (n_org, len(specs), n_m)) - 0.08 * sc.winter(calendar)[None, None, :])
    p18 = _expit(logit18)
    drop = float(bf.effect.get("rtt_within18_drop", 0.25)) if bf else 0.0
    p18 = np.clip(p18 - drop * collapse, 0.05, 0.99)
    within = rng.binomial(incomplete, p18)
    q52 = np.clip(OVER52_OF_OVER18 * np.exp(-0.5 * rtt)[:, None, None] * (1 + 4 * collapse), 0, 0.6)
    over52 = rng.binomial(incomplete - within, q52)
    due = rng.binomial(over52, 0.3)  # [A] new or repeat long waiters due a review this month
    done_rate = HARM_REVIEW_DONE * (1 - collapse) + collapse * (float(bf.effect.get("harm_review_rate", 0.1))
                                                                if bf else HARM_REVIEW_DONE)
    done = rng.binomial(due, np.clip(done_rate + 0.05 * _expit(sc.trait(world, "responsiveness"))[:, None, None]
                                     - 0.05, 0, 1))
    harm = rng.binomial(done, HARM_FOUND)
    keep = np.broadcast_to(spec_mask[:, :, None] > 0, incomplete.shape)
    org, spec, month = np.nonzero(keep)
    frame = pd.DataFrame({
        "org_code": world.orgs["org_code"].to_numpy()[org], "month": np.array(world.months)[month],
        "specialty": np.array(specs)[spec], "incomplete_pathways": incomplete[org, spec, month],
        "within_18_weeks": within[org, spec, month], "over_52_weeks": over52[org, spec, month],
        "harm_reviews_due": due[org, spec, month], "harm_reviews_done": done[org, spec, month],
        "harm_found": harm[org, spec, month],
    }).sort_values(["org_code", "month", "specialty"], kind="stable")
    return sc.write_csv(frame, RTT_MONTHLY, out_dir)


def generate_diagnostics(world, out_dir: Path) -> int:
    rng = world.rng("diagnostics_monthly")
    n_org, n_m = len(world.orgs), len(world.months)
    mods = list(DIAGNOSTIC_MODALITIES)
    _, days, calendar = sc.month_arrays(world)
    trust_wait = 0.5 * sc.trait(world, "rtt_perf") + 0.5 * rng.standard_normal(n_org)
    bs = sc.scenario_of(world, "breast_service")
    slow = sc.ramp(world, "breast_service", ramp_months=1, source=DIAGNOSTICS_MONTHLY.name)
    rows = []
    codes = world.orgs["org_code"].to_numpy()
    for k, mod in enumerate(mods):
        per_month, list_months, median_days, over28, off6 = DIAG[mod]
        lam = sc.volume(world, per_month * 12)[:, None] / 12 * (days / sc.DAYS_PER_MONTH)[None, :]
        lam = lam * np.exp(rng.normal(0, 0.2, n_org))[:, None] * (1 - 0.03 * sc.winter(calendar))[None, :]
        tests = sc.poisson_months(rng, lam, noise_sd=0.05)
        waiting = sc.poisson_months(rng, lam * list_months * np.exp(-0.2 * trust_wait)[:, None], noise_sd=0.08)
        p6 = _expit(_logit(DIAG_OVER6) - 0.9 * trust_wait[:, None] + off6 + 0.15 * sc.winter(calendar)[None, :]
                    + rng.normal(0, 0.1, (n_org, n_m)))
        over6 = rng.binomial(waiting, p6)
        med = median_days * np.exp(0.25 * rng.standard_normal(n_org))[:, None] \
            * np.exp(rng.normal(0, 0.08, (n_org, n_m)))
        q28 = np.clip(over28 * np.exp(0.5 * rng.standard_normal(n_org))[:, None], 0, 0.5) * np.ones((n_org, n_m))
        if mod == "mri" and bs is not None:
            target = float(bs.effect.get("mri_median_report_days", 14))
            med = med + (target - med) * slow
            q28 = q28 + (0.25 - q28) * slow  # [A] with a 14-day median, a quarter take over 28 days
        late = rng.binomial(tests, q28)
        for_org = np.repeat(np.arange(n_org), n_m)
        for_month = np.tile(np.arange(n_m), n_org)
        rows.append(pd.DataFrame({
            "org_code": codes[for_org], "month": np.array(world.months)[for_month], "modality": mod,
            "waiting_list": waiting.ravel(), "waiting_over_6_weeks": over6.ravel(),
            "tests_reported": tests.ravel(), "median_report_days": np.round(med.ravel(), 1),
            "reported_over_28_days": late.ravel(),
        }))
    frame = pd.concat(rows, ignore_index=True).sort_values(["org_code", "month", "modality"], kind="stable")
    return sc.write_csv(frame, DIAGNOSTICS_MONTHLY, out_dir)


def generate_admin_backlog(world, out_dir: Path) -> int:
    rng = world.rng("admin_backlog_monthly")
    n_org, n_m = len(world.orgs), len(world.months)
    _, days, calendar = sc.month_arrays(world)
    lam = sc.volume(world, REFERRALS_NATIONAL * 12)[:, None] / 12 * (days / sc.DAYS_PER_MONTH)[None, :]
    lam = lam * (1 - 0.05 * (calendar == 12))[None, :]  # [A] fewer referrals over Christmas
    received = sc.poisson_months(rng, lam, noise_sd=0.05)
    admin = np.exp(0.3 * rng.standard_normal(n_org) - 0.2 * sc.trait(world, "responsiveness"))[:, None]
    not_booked = rng.poisson(received * NOT_BOOKED_SHARE * admin)
    letters = rng.poisson(received * LETTERS_PER_REFERRAL * LETTERS_BACKLOG_SHARE * admin
                          * np.exp(rng.normal(0, 0.15, (n_org, n_m))))
    bf = sc.scenario_of(world, "booking_failure")
    if bf is not None and ADMIN_BACKLOG_MONTHLY.name in bf.sources:
        pos, onset = world.org_position(bf.org_code), world.month_index(bf.onset_month)
        frac = float(bf.effect.get("unbooked_per_month_fraction", 0.3))
        growth = float(bf.effect.get("letters_backlog_growth", 0.25))
        pile = 0.0
        for m in range(onset, n_m):
            # a share of each month's referrals is lost to the booking system and piles up; a little
            # (5% a month [A]) is found and booked by hand
            pile = pile * 0.95 + rng.binomial(received[pos, m], frac)
            not_booked[pos, m] += int(pile)
            letters[pos, m] = int(letters[pos, m] * (1 + growth) ** (m - onset + 1))
        not_booked[pos] = np.minimum(not_booked[pos], np.cumsum(received[pos]))
    frame = pd.DataFrame({
        "org_code": np.repeat(world.orgs["org_code"].to_numpy(), n_m),
        "month": np.tile(np.array(world.months), n_org), "referrals_received": received.ravel(),
        "referrals_not_booked": not_booked.ravel(), "letters_not_sent": letters.ravel(),
    })
    return sc.write_csv(frame, ADMIN_BACKLOG_MONTHLY, out_dir)

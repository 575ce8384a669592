"""Choose the planted scenarios' trusts, onset months and effects (world contract, issue 3).

Planted trusts are distinct, except the alert non-compliance scenarios, which can overlap anything.
The general-failure, case-mix bait and noise-month trusts get true quality 0 (their signals must be explained away by
case mix or chance, not by care).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from caresignal.synth.diagnosis_groups import GENERAL_FAILURE_GROUP_NAMES, group_ids

# Effect sizes of the world contract.
GENERAL_FAILURE_EFFECT = {
    # OR 2.0 (contract: ~1.5) so that an RA-CUSUM signals within 6 months at scale 0.05-0.1 and the
    # 12-month SHMI is banded higher even after deeper Charlson coding hides part of the rise.
    "mortality_odds_ratio": 2.0, "ramp_months": 3, "complaint_rate_ratio": 2.5,
    "complaint_themes": ["dignity", "neglect", "hydration", "staff_attitude"], "fft_positive_drop": 0.10,
    "staff_survey_drop": 0.7, "incident_reporting_ratio": 0.5, "charlson_shift": 1.0,
    "palliative_coding_ratio": 2.5,
}
BREAST_SERVICE_EFFECT = {
    "self_assessed_compliance": 0.94, "peer_review_compliance": 0.10, "complication_odds_ratio_ibr": 3.0,
    "return_to_theatre_odds_ratio_ibr": 3.0, "ibr_rate_ratio": 0.85, "mri_median_report_days": 14,
    "serious_concern": True,
}
BOOKING_FAILURE_EFFECT = {
    "unbooked_per_month_fraction": 0.3, "letters_backlog_growth": 0.25, "rtt_within18_drop": 0.25,
    "harm_review_rate": 0.1, "gp_lost_referral_rate_ratio": 8.0, "info_request_answer_rate": 0.2,
}
CASE_MIX_BAIT_EFFECT = {"age_shift_years": 7.0, "charlson_shift": 1.5, "emergency_share": 0.5}
# Noise months: odds / rate ratio applied in that one month [A]; large enough to stand out in a month.
NOISE_MAGNITUDE = {"admissions": 2.5, "ae_monthly": 1.6, "complaints": 3.0}


def _pick(rng: np.random.Generator, candidates: np.ndarray, used: set[int]) -> int:
    free = np.array([c for c in candidates.tolist() if c not in used])
    if free.size == 0:
        raise RuntimeError("no trust left for a planted scenario")
    choice = int(rng.choice(free))
    used.add(choice)
    return choice


def plant_scenarios(seed: int, orgs: pd.DataFrame, months: tuple[str, ...]) -> list:
    """Pick trusts and months for every scenario; sets ``quality`` to 0 for bait and noise trusts.

    ``orgs`` is modified in place (quality of the bait and noise trusts).
    """
    from caresignal.synth.world import Scenario, seed_sequence

    rng = np.random.default_rng(seed_sequence(seed, "world", "scenarios"))
    n_months = len(months)
    types = orgs["trust_type"].to_numpy()
    teaching = orgs["teaching"].to_numpy() == 1
    size = orgs["size"].to_numpy()
    nonspec = types != "acute_specialist"
    idx = np.arange(len(orgs))
    used: set[int] = set()
    out = []

    def onset(fraction: float) -> str:
        return months[min(int(round(n_months * fraction)), n_months - 1)]

    # 4. case-mix bait first: the largest non-specialist teaching trusts are the candidates.
    teach = idx[(types == "acute_teaching") & teaching]
    teach = teach[np.argsort(-size[teach], kind="stable")][: max(3, len(teach) // 3)]
    bait = _pick(rng, teach if teach.size else idx[nonspec], used)
    orgs.loc[bait, "quality"] = 0.0
    out.append(Scenario("S4-case-mix-bait", "case_mix_bait", orgs.at[bait, "org_code"], "trust_wide",
                        months[0], ("admissions",), dict(CASE_MIX_BAIT_EFFECT)))

    # 1. general failure: a non-teaching medium or large trust.
    # The larger half of them, so that a scale-0.05 world still has the volume to detect it in months.
    cand = idx[np.isin(types, ["acute_medium", "acute_large"]) & ~teaching]
    cand = cand[size[cand] >= np.median(size[cand])] if cand.size >= 2 else cand
    gf = _pick(rng, cand if cand.size else idx[nonspec & ~teaching], used)
    orgs.loc[gf, "quality"] = 0.0  # average before onset, so the onset is the only change
    effect = dict(GENERAL_FAILURE_EFFECT)
    effect["diagnosis_groups"] = group_ids(GENERAL_FAILURE_GROUP_NAMES)
    out.insert(0, Scenario("S1-general-failure", "general_failure", orgs.at[gf, "org_code"], "trust_wide",
                           onset(1 / 3), ("admissions", "complaints", "fft_responses", "staff_survey",
                                          "incidents_monthly"), effect))

    # 2. breast service: a non-specialist trust in the largest third (enough mastectomies to see it).
    cand = idx[nonspec & (size >= np.quantile(size, 2 / 3))]
    bs = _pick(rng, cand, used)
    out.append(Scenario("S2-breast-service", "breast_service", orgs.at[bs, "org_code"], "breast_surgery",
                        onset(1 / 4), ("breast_surgery", "peer_reviews", "peer_review_measures",
                                       "diagnostics_monthly"), dict(BREAST_SERVICE_EFFECT)))

    # 3. booking failure: any non-specialist trust.
    bf = _pick(rng, idx[nonspec], used)
    out.append(Scenario("S3-booking-failure", "booking_failure", orgs.at[bf, "org_code"], "outpatients",
                        onset(1 / 2), ("admin_backlog_monthly", "rtt_monthly", "gp_concerns",
                                       "information_requests"), dict(BOOKING_FAILURE_EFFECT)))
    order = {"general_failure": 0, "breast_service": 1, "booking_failure": 2, "case_mix_bait": 3}
    out.sort(key=lambda s: order[s.kind])

    # 5 (contract 4b). noise months: one bad month each, in one source, at trusts of true quality 0.
    noise_sources = ["admissions", "ae_monthly", "complaints"]
    if len(orgs) >= 60:
        noise_sources.append("admissions")
    for k, source in enumerate(noise_sources):
        t = _pick(rng, idx[nonspec], used)
        orgs.loc[t, "quality"] = 0.0
        # Not the first or last month: partial spells at the edges of the window would blur the spike.
        month = months[int(rng.integers(1, n_months - 1))] if n_months >= 3 else months[-1]
        out.append(Scenario(f"S5-noise-month-{k + 1}", "noise_month", orgs.at[t, "org_code"], "trust_wide",
                            month, (source,), {"month": month, "source": source,
                                               "magnitude": NOISE_MAGNITUDE[source]}))

    # 6. safety-alert non-compliance: about half the trusts, any of them.
    n_fail = int(round(len(orgs) / 2))
    failing = np.sort(rng.choice(idx, size=n_fail, replace=False))
    probs = rng.uniform(0.15, 0.5, n_fail)
    for k, (t, p) in enumerate(zip(failing.tolist(), probs.tolist())):
        out.append(Scenario(f"S6-alert-noncompliance-{k + 1:03d}", "alert_noncompliance",
                            orgs.at[t, "org_code"], "patient_safety", months[0],
                            ("safety_alert_compliance",), {"miss_probability": round(p, 3)}))
    return out

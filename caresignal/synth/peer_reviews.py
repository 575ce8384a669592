"""Peer reviews of cancer services: one row per review, and self- and peer-assessed compliance per measure.

Every trust has some of its cancer teams reviewed over the period (about two reviews a year [A], in the
style of the National Cancer Peer Review Programme). Most teams assess themselves honestly: peer-reviewed
compliance is close to the self-assessment. The planted breast service assesses itself at about 94% and
is found about 10% compliant, with findings that echo the published Mid Staffordshire breast review
(``/work/shared/seeds``) and a serious concern.
"""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pandas as pd

from caresignal.domain.sources import PEER_REVIEW_MEASURES, PEER_REVIEW_SERVICES, PEER_REVIEWS
from caresignal.synth import soft_common as sc
from caresignal.synth.text.peer_review_text import (BREAST_FAILURE_FINDINGS, FAILURE_PHRASES, GENERIC_MEASURES,
                                                    SERVICE_TOPIC, SERVICE_WORDS, SPECIFIC_MEASURES,
                                                    findings_grammar)

REVIEWS_PER_YEAR = 2.0  # [A] reviews of a trust's cancer teams per year
SELF_COMPLIANCE_MEAN = 0.88  # [A] honest teams: share of measures self-declared compliant
PEER_CONFIRMS = 0.94  # [A] chance the reviewers agree with a declared compliance
PEER_FINDS_EXTRA = 0.05  # [A] chance the reviewers find compliant a measure the team did not claim


def measures_of(service: str) -> list[tuple[str, str, str]]:
    """(measure_id, key, text) for a service: the generic MDT measures and its own."""
    topic = SERVICE_TOPIC[service]
    words = SERVICE_WORDS[service]
    out, numbers = [], {}
    for section, key, text in GENERIC_MEASURES + SPECIFIC_MEASURES.get(service, ()):
        numbers[section] = numbers.get(section, 100) + 1
        out.append((f"{topic}-{section}-{numbers[section]}", key, text.replace("{svc}", words)))
    return out


def generate_peer_reviews(world, out_dir: Path) -> dict[str, int]:
    """Write ``peer_reviews.csv`` and ``peer_review_measures.csv``; returns rows per file."""
    rng = world.rng("peer_reviews", "schedule")
    rnd = random.Random(int(world.rng("peer_reviews", "text").integers(2**62)))
    grammar = findings_grammar()
    codes = world.orgs["org_code"].to_numpy()
    starts, days, _ = sc.month_arrays(world)
    n_m = len(world.months)
    bs = sc.scenario_of(world, "breast_service")
    culture = sc.trait(world, "safety_culture")
    reviews, measures = [], []
    for pos, code in enumerate(codes.tolist()):
        n_rev = max(1, rng.poisson(REVIEWS_PER_YEAR * n_m / 12))
        planted = bs is not None and bs.org_code == code
        pool = [s for s in PEER_REVIEW_SERVICES if not (planted and s == "breast_cancer")]
        services = rng.choice(pool, size=min(n_rev, len(pool)), replace=False).tolist()
        months = np.sort(rng.integers(0, n_m, len(services))).tolist()
        plan = [(m, s, False) for m, s in zip(months, services)]
        if planted:
            onset = world.month_index(bs.onset_month)
            plan.append((min(onset + int(rng.integers(0, 2)), n_m - 1), "breast_cancer", True))
        for m, service, failing in sorted(plan):
            day = np.busday_offset(starts[m], int(rng.integers(0, 15)), roll="forward")
            day = min(day, starts[m] + np.timedelta64(int(days[m]) - 1, "D"))
            date = str(np.datetime64(day, "D"))
            review_id = f"PR-{code}-{SERVICE_TOPIC[service]}-{date[:7].replace('-', '')}"
            items = measures_of(service)
            n = len(items)
            if failing:
                self_ok, peer_ok = _planted_compliance(rng, n, bs.effect)
                findings = " ".join(BREAST_FAILURE_FINDINGS).replace("{DATE}", date)
                visit = grammar.expand("visit", rnd).replace("{svc}", SERVICE_WORDS[service]).replace("{DATE}", date)
                findings = f"{visit} {findings}"
                serious = bool(bs.effect.get("serious_concern", True))
            else:
                p_self = np.clip(rng.normal(SELF_COMPLIANCE_MEAN + 0.03 * culture[pos], 0.05), 0.6, 1.0)
                self_ok = rng.random(n) < p_self
                peer_ok = np.where(self_ok, rng.random(n) < PEER_CONFIRMS, rng.random(n) < PEER_FINDS_EXTRA)
                findings = _honest_findings(grammar, rnd, service, date, [k for (_, k, _), ok in
                                                                          zip(items, peer_ok) if not ok])
                serious = False
            reviews.append((review_id, code, service, date, findings, int(serious)))
            for (mid, _, text), s_ok, p_ok in zip(items, self_ok.tolist(), peer_ok.tolist()):
                measures.append((review_id, code, date, mid, text, int(s_ok), int(p_ok)))
    frame = pd.DataFrame(reviews, columns=list(PEER_REVIEWS.column_names))
    frame = frame.sort_values(["review_date", "review_id"], kind="stable")
    mframe = pd.DataFrame(measures, columns=list(PEER_REVIEW_MEASURES.column_names))
    mframe = mframe.sort_values(["review_date", "review_id", "measure_id"], kind="stable")
    return {PEER_REVIEWS.file: sc.write_csv(frame, PEER_REVIEWS, out_dir),
            PEER_REVIEW_MEASURES.file: sc.write_csv(mframe, PEER_REVIEW_MEASURES, out_dir)}


def _planted_compliance(rng: np.random.Generator, n: int, effect: dict) -> tuple[np.ndarray, np.ndarray]:
    """Exactly round(94% of n) measures declared compliant and round(10% of n) confirmed, confirmed ones
    among the declared (the team's claim is not supported)."""
    n_self = int(round(float(effect.get("self_assessed_compliance", 0.94)) * n))
    n_peer = min(int(round(float(effect.get("peer_review_compliance", 0.10)) * n)), n_self)
    order = rng.permutation(n)
    self_ok = np.zeros(n, dtype=bool)
    self_ok[order[:n_self]] = True
    peer_ok = np.zeros(n, dtype=bool)
    peer_ok[order[:n_peer]] = True
    return self_ok, peer_ok


def _honest_findings(grammar, rnd: random.Random, service: str, date: str, failed: list[str]) -> str:
    words = SERVICE_WORDS[service]
    parts = [grammar.expand("visit", rnd)]
    strengths = list(dict.fromkeys(grammar.expand("strength", rnd) for _ in range(3)))[:2]
    parts.extend(strengths)
    if failed:
        shown = failed[:4]
        lead = grammar.expand("improve_lead", rnd)
        listed = "; ".join(FAILURE_PHRASES[k] for k in shown)
        more = f" A further {len(failed) - 4} measures were not met." if len(failed) > 4 else ""
        parts.append(f"{lead} {listed}.{more}")
    parts.append(grammar.expand("honest_close", rnd))
    return " ".join(parts).replace("{svc}", words).replace("{DATE}", date)

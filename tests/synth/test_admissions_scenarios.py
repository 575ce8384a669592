"""Planted admissions scenarios show in crude figures, and SHMI-like overdispersion between trusts.

Uses the generator's own arrays (``trust_spells``). Detection tests (RA-CUSUM, banding) use every trust
of a world at scale 0.1 with 150 trusts over 18 months, what a national analysis at that scale would
see; crude before/after comparisons use the planted trusts and a sample of others at scale 0.3, where
sampling noise does not blur a difference the test must see every time.
"""

from __future__ import annotations

import numpy as np
import pytest

from caresignal.synth import admissions as A
from caresignal.synth.world import build_world

SCALE, TRUSTS, MONTHS = 0.1, 150, 18


def shmi_bands(observed: np.ndarray, expected: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Higher / lower than expected at 95% limits, SHMI method (NHS Digital SHMI methodology):
    z-scores on the ratio scale with s = 1/sqrt(E), 10% winsorised each tail, random-effects tau^2
    (Spiegelhalter 2005, doi:10.1002/sim.1970), limits 1 +/- 1.96 sqrt(s^2 + tau^2)."""
    s = 1 / np.sqrt(expected)
    y = observed / expected
    z = (y - 1) / s
    lo, hi = np.quantile(z, [0.1, 0.9])
    phi = np.mean(np.clip(z, lo, hi) ** 2)
    w = expected
    n = len(z)
    tau2 = max(0.0, (n * phi - (n - 1)) / (w.sum() - (w ** 2).sum() / w.sum()))
    half = 1.96 * np.sqrt(s ** 2 + tau2)
    return y > 1 + half, y < 1 - half


def _month(cal, day):
    return np.maximum(np.searchsorted(cal.month_start, day, side="right") - 1, 0)


def _spells(world, positions):
    cal = A.Calendar(world)
    spells = {pos: A.trust_spells(world, pos, cal) for pos in positions}
    for s in spells.values():
        s["month"] = _month(cal, s["day"])
        s["dead"] = s["death_day"] != A.NO_DAY
        s["ordinary"] = s["cls"] == A.ORDINARY
        s["emergency"] = (s["method"] == A.EMERGENCY) | (s["method"] == A.TRANSFER)
    return spells


@pytest.fixture(scope="module")
def national():
    world = build_world(5, trusts=TRUSTS, months=MONTHS, start="2023-04", scale=SCALE)
    return world, None, _spells(world, range(len(world.orgs)))


@pytest.fixture(scope="module")
def focused():
    world = build_world(5, trusts=TRUSTS, months=MONTHS, start="2023-04", scale=0.3)
    planted = [world.org_position(c) for c in _planted(world)]
    others = [p for p in range(0, len(world.orgs), 10) if p not in planted]
    return world, others, _spells(world, planted + others)


def _baseline_risk(world, pos, s):
    """True risk without the trust's quality and planted effects: the 'correct adjustment'."""
    effect = np.full(s["day"].size, world.orgs["quality"].iat[pos])
    code = world.orgs["org_code"].iat[pos]
    for sc in world.scenarios:
        if sc.org_code != code:
            continue
        if sc.kind == "general_failure":
            onset = world.month_index(sc.onset_month)
            ramp = np.clip((s["month"] - onset + 1) / sc.effect["ramp_months"], 0, 1)
            hit = s["emergency"] & np.isin(s["group"], np.array(sc.effect["diagnosis_groups"]) - 1)
            effect = effect + hit * np.log(sc.effect["mortality_odds_ratio"]) * ramp
        if sc.kind == "noise_month" and sc.effect["source"] == "admissions":
            effect = effect + (s["month"] == world.month_index(sc.onset_month)) * np.log(sc.effect["magnitude"])
    r = s["risk"].astype(float)
    return 1 / (1 + np.exp(-(np.log(r / (1 - r)) - effect)))


def _planted(world):
    return {s.org_code for s in world.scenarios if s.kind != "alert_noncompliance"}


def test_general_failure_crude_mortality_rises_in_its_groups(focused):
    world, _, spells = focused
    sc = world.scenarios_of("general_failure")[0]
    s = spells[world.org_position(sc.org_code)]
    onset = world.month_index(sc.onset_month)
    hit = s["ordinary"] & s["emergency"] & np.isin(s["group"], np.array(sc.effect["diagnosis_groups"]) - 1)
    before = hit & (s["month"] < onset)
    after = hit & (s["month"] >= onset + sc.effect["ramp_months"])
    assert s["dead"][after].mean() > 1.3 * s["dead"][before].mean()
    # Deeper comorbidity coding and more palliative coding after onset (recorded, not true risk).
    o = s["ordinary"]
    gap = s["charlson_rec"][o & (s["month"] >= onset + 3)].mean() - s["charlson_rec"][o & (s["month"] < onset)].mean()
    assert gap > 0.6
    d_before, d_after = s["dead"] & o & (s["month"] < onset), s["dead"] & o & (s["month"] >= onset + 3)
    assert s["palliative"][d_after].mean() > 1.6 * s["palliative"][d_before].mean()


def test_general_failure_ra_cusum_signals_within_six_months(national):
    """Bernoulli RA-CUSUM (Steiner et al. 2000, doi:10.1093/biostatistics/1.4.441) for odds ratio 2 over
    the trust's spells in the failing groups, as Imperial's mortality alerts do, threshold h = 5."""
    world, _, spells = national
    sc = world.scenarios_of("general_failure")[0]
    pos = world.org_position(sc.org_code)
    s = spells[pos]
    onset = world.month_index(sc.onset_month)
    hit = s["ordinary"] & s["emergency"] & np.isin(s["group"], np.array(sc.effect["diagnosis_groups"]) - 1)
    order = np.argsort(s["discharge"][hit], kind="stable")
    y = s["dead"][hit][order]
    p = _baseline_risk(world, pos, s)[hit][order]
    month = s["month"][hit][order]
    weight = np.where(y, np.log(2.0), 0.0) - np.log(1 - p + 2.0 * p)
    total, first_after = 0.0, None
    for w, m in zip(weight, month):  # a few thousand steps: the recursion is inherently sequential
        total = max(0.0, total + w)
        if total > 5.0:
            total = 0.0
            if m >= onset and first_after is None:
                first_after = m
    assert first_after is not None and first_after <= onset + 6


def test_overdispersion_and_banding_after_onset(national):
    world, _, spells = national
    sc = world.scenarios_of("general_failure")[0]
    onset = world.month_index(sc.onset_month)
    window = slice(onset, onset + 12)
    keep = (world.orgs["trust_type"] != "acute_specialist").to_numpy()
    obs, exp = [], []
    for pos, s in spells.items():
        sel = s["ordinary"] & (s["month"] >= window.start) & (s["month"] < window.stop)
        obs.append(s["dead"][sel].sum())
        exp.append(_baseline_risk(world, pos, s)[sel].sum())
    obs, exp = np.array(obs)[keep], np.array(exp)[keep]
    exp = exp * obs.sum() / exp.sum()
    higher, lower = shmi_bands(obs, exp)
    codes = world.orgs["org_code"].to_numpy()[keep]
    assert higher[codes == sc.org_code][0], "the general-failure trust is banded higher"
    bait = world.scenarios_of("case_mix_bait")[0].org_code
    assert not higher[codes == bait][0], "the bait is as expected once case mix is adjusted"
    # Published SHMI: 9 higher and 8 lower of 118 trusts; not every outlier is planted.
    assert 0.03 <= higher.mean() <= 0.16 and 0.02 <= lower.mean() <= 0.15
    assert (higher & ~np.isin(codes, list(_planted(world)))).sum() >= 1


def test_case_mix_bait_is_crudely_high_but_explained(focused):
    world, other_positions, spells = focused
    sc = world.scenarios_of("case_mix_bait")[0]
    pos = world.org_position(sc.org_code)
    others = [spells[p] for p in other_positions]
    nat_dead = sum(s["dead"][s["ordinary"]].sum() for s in others)
    nat_n = sum(s["ordinary"].sum() for s in others)
    b = spells[pos]
    crude = b["dead"][b["ordinary"]].mean()
    assert crude > 1.25 * nat_dead / nat_n
    adult = np.mean([s["age"][s["age"] >= 18].mean() for s in others])
    # Older: adult groups shifted 7 years; maternity groups, truncation at 105 and case mix dilute it.
    assert b["age"][b["age"] >= 18].mean() > adult + 2.5
    assert b["emergency"].mean() > 0.45
    expected = _baseline_risk(world, pos, b)[b["ordinary"]].sum()
    observed = b["dead"][b["ordinary"]].sum()
    assert abs(observed - expected) < 3 * np.sqrt(expected), "fully explained by the covariates"


def test_noise_month_spikes_once(focused):
    world, _, spells = focused
    for sc in world.scenarios_of("noise_month"):
        if sc.effect["source"] != "admissions":
            continue
        s = spells[world.org_position(sc.org_code)]
        k = world.month_index(sc.onset_month)
        rate = np.array([s["dead"][s["ordinary"] & (s["month"] == m)].mean() for m in range(MONTHS)])
        assert rate[k] > 1.3 * np.delete(rate, k).mean()

"""Admitted patient spells for one trust, as patient chains: index spells, readmissions, later spells.

Patients recur, so readmissions are derived from ``patient_id`` and never flagged: each index spell
starts a patient; a patient who survives a spell (no death in hospital or within 30 days of discharge)
may be readmitted as an emergency within 30 days (~14% after emergency spells; 12.7%-14.9% by
deprivation, NHS Digital 2017/18), come back later for an unrelated spell, or (regular attenders)
return for the next planned treatment. A patient who dies has no later spell. Chains are built one
generation at a time over whole arrays, never looping over rows.

Each trust draws from its own stream ``world.rng("admissions", org_code)``, so the output does not depend
on how trusts are grouped into chunks or processes. ``date_of_death`` is recorded on the spell whose
outcome was death (the last spell of that patient), as the SHMI attributes a death to the last spell.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import ndtr

from caresignal.domain.sources import ADMISSION_METHODS, ADMISSION_SOURCES, PATIENT_CLASSES
from caresignal.synth import admissions_model as m
from caresignal.synth.world import NATIONAL_SPELLS_PER_YEAR, World

EMERGENCY, ELECTIVE, MATERNITY, TRANSFER = (ADMISSION_METHODS.index(x) for x in
                                            ("emergency", "elective", "maternity", "transfer"))
USUAL, CARE_HOME, OTHER_HOSPITAL, OTHER_SOURCE = (ADMISSION_SOURCES.index(x) for x in
                                                  ("usual_residence", "care_home", "other_hospital", "other"))
ORDINARY, DAY_CASE, REGULAR = (PATIENT_CLASSES.index(x) for x in ("ordinary", "day_case", "regular_attender"))
NO_DAY = np.iinfo(np.int32).min  # sentinel: no date

WARM_UP_DAYS = 60         # index spells start this long before the first month, so month 1 has readmissions
MAX_GENERATIONS = 12
# Expected spells per index spell once follow-ons are added (measured: tests/synth/test_admissions_*).
FOLLOW_ON_FACTOR = 1.227
# 30-day emergency readmission probability for a survivor, by class of the spell [A], tuned so that
# ~13-14% of emergency discharges are readmitted as emergencies within 30 days (NHS Digital 2017/18: 13.8%).
READMIT_P = {"emergency": 0.133, "transfer": 0.133, "elective": 0.06, "maternity": 0.03,
             "day_case": 0.02, "regular_attender": 0.02}
# Care-home residents come back as emergencies more often [A]; this is where care-home residence acts,
# not on the risk of death, which only has terms a SHMI-style model adjusts for (admissions_model).
CARE_HOME_READMIT_LOGODDS = 0.3
LATER_P_OLD, LATER_P_YOUNG = 0.22, 0.10     # another unrelated spell 31-365 days later [A]
REGULAR_REPEAT_P = 0.8                      # regular attenders come back for the next treatment [A]


GROUP_TABLE = m.inverse_cdf_table(m.GROUP_CDF)
FOLLOW_ON_TABLE = m.inverse_cdf_table(m.FOLLOW_ON_CDF)
CHILD_LATER_TABLE = m.inverse_cdf_table(m.CHILD_LATER_CDF)


@dataclass(frozen=True)
class TrustContext:
    """What the spell generator needs to know about one trust."""

    pos: int
    code: str
    index_per_day: float
    quality: float
    age_shift: float
    emergency_odds: float
    care_home_p: float
    palliative_mult: float
    deprivation: float
    extra_true_conditions: float
    gf: dict | None          # general-failure effect with "onset" (month index)
    noise: list              # [(month index, log odds ratio)]


def trust_context(world: World, pos: int) -> TrustContext:
    org = world.orgs.iloc[pos]
    rng = world.rng("admissions", "trust-traits", org["org_code"])
    annual = world.annual_volume(NATIONAL_SPELLS_PER_YEAR)[pos]
    # Between-trust case-mix spread [A], widened until crude trust mortality spans roughly the
    # published P10-P90 of 2.2%-4.5% (calibration section 2) with quality explaining only part of it.
    age_shift = rng.normal(0.0, 3.5)
    emergency_odds = float(np.exp(rng.normal(0.0, 0.3)))
    if org["trust_type"] == "acute_specialist":
        emergency_odds *= 0.3
    extra = 0.0
    gf = None
    noise = []
    for s in world.scenarios:
        if s.org_code != org["org_code"]:
            continue
        if s.kind == "case_mix_bait":
            # Exactly the planted case mix (no random trust shift on top).
            age_shift = s.effect["age_shift_years"]
            extra += s.effect["charlson_shift"]
            # Odds multiplier giving that emergency share of index spells; readmissions add the rest.
            target = s.effect["emergency_share"] - (m.EMERGENCY_ALL_SPELLS - m.EMERGENCY_INDEX_TARGET)
            emergency_odds = m.solve_odds(m.GROUP_EMERGENCY, m.GROUP_SHARE, target)
        elif s.kind == "general_failure":
            gf = dict(s.effect, onset=world.month_index(s.onset_month))
        elif s.kind == "noise_month" and s.effect["source"] == "admissions":
            noise.append((world.month_index(s.effect["month"]), float(np.log(s.effect["magnitude"]))))
    return TrustContext(
        pos=pos, code=str(org["org_code"]), index_per_day=annual / 365.25 / FOLLOW_ON_FACTOR,
        quality=float(org["quality"]), age_shift=float(age_shift), emergency_odds=emergency_odds,
        care_home_p=float(np.clip(0.12 * np.exp(rng.normal(0, 0.3)), 0.02, 0.4)),
        palliative_mult=float(np.exp(rng.normal(-0.08, 0.4))), deprivation=float(org["deprivation"]),
        extra_true_conditions=extra, gf=gf, noise=noise)


class Calendar:
    """Day offsets from the first generated day (day 0 = first of ``world.start``)."""

    def __init__(self, world: World):
        starts = world.month_starts()
        self.epoch_day0 = int(starts[0].astype("datetime64[D]").astype(np.int64))
        self.month_start = (starts - starts[0]).astype(np.int64)
        self.n_days = int(self.month_start[-1])
        self.lo = -WARM_UP_DAYS
        hi = self.n_days + 800
        days = np.arange(self.lo, hi)
        dates = starts[0] + days
        doy = (dates - dates.astype("datetime64[Y]").astype("datetime64[D]")).astype(np.int64)
        month_of_year = dates.astype("datetime64[M]").astype(np.int64) % 12 + 1
        weekday = (dates.astype(np.int64) + 3) % 7  # 0 = Monday (1970-01-01 was a Thursday)
        self.season = np.cos(2 * np.pi * (doy - 15) / 365.25)
        self.month_idx = np.searchsorted(self.month_start, days, side="right") - 1
        weekend = weekday >= 5
        window = days < self.n_days
        # Emergency admissions peak in winter [A, 6% above the mean in January]; fewer at weekends.
        # Electives dip in August and
        # over Christmas and are rare at weekends.
        emerg = (1 + 0.06 * self.season) * np.where(weekend, 0.85, 1.05) * window
        holiday = (month_of_year == 8) * 0.12 + ((month_of_year == 12) & (doy > 350)) * 0.5
        elect = (1 - holiday) * np.where(weekend, 0.15, 1.0) * window
        flat = window.astype(float)
        self.day_tables = {k: m.inverse_cdf_table(np.cumsum(w) / w.sum(), self.lo)
                           for k, w in (("e", emerg), ("l", elect), ("f", flat))}

    def draw_days(self, rng: np.random.Generator, kind: str, n: int) -> np.ndarray:
        return m.draw_from(rng, self.day_tables[kind], n).astype(np.int32)

    def at(self, table: np.ndarray, day: np.ndarray) -> np.ndarray:
        return table[np.clip(day - self.lo, 0, table.size - 1)]


def _decile(rng: np.random.Generator, ctx: TrustContext, emergency: np.ndarray) -> np.ndarray:
    z = 0.7 * ctx.deprivation + 0.25 * emergency + rng.standard_normal(emergency.size)
    return np.clip(10 - np.floor(ndtr(z / 1.24) * 10), 1, 10).astype(np.int8)


def _index_spells(rng: np.random.Generator, ctx: TrustContext, cal: Calendar) -> dict:
    n = int(rng.poisson(ctx.index_per_day * (cal.n_days + WARM_UP_DAYS)))
    group = m.draw_from(rng, GROUP_TABLE, n)
    pe = m.GROUP_EMERGENCY[group]
    pe = ctx.emergency_odds * pe / (1 - pe + ctx.emergency_odds * pe)
    u = rng.random(n)
    maternity = m.IS_MATERNITY[group]
    method = np.where(maternity, MATERNITY, np.where(u < pe, EMERGENCY, ELECTIVE)).astype(np.int8)
    elective = method == ELECTIVE
    u2 = rng.random(n)
    regular = elective & (u2 < m.REGULAR_P[group])
    day_case = elective & ~regular & (rng.random(n) < m.GROUP_DAY_CASE[group])
    cls = np.where(regular, REGULAR, np.where(day_case, DAY_CASE, ORDINARY)).astype(np.int8)
    transfer = (method == EMERGENCY) & (rng.random(n) < m.TRANSFER_SHARE / 0.5)
    method = np.where(transfer, TRANSFER, method).astype(np.int8)
    emergency = (method == EMERGENCY) | (method == TRANSFER)
    day = np.where(emergency, cal.draw_days(rng, "e", n),
                   np.where(maternity, cal.draw_days(rng, "f", n), cal.draw_days(rng, "l", n)))
    age = m.draw_age(rng, group, ctx.age_shift)
    male = rng.random(n) >= m.FEMALE_P[group]
    care_home = emergency & (age >= 75) & (rng.random(n) < ctx.care_home_p)
    care_home |= emergency & (age >= 65) & (age < 75) & (rng.random(n) < ctx.care_home_p / 4)
    n_sec, charlson = m.draw_comorbidity(rng, age, emergency, ctx.extra_true_conditions)
    bw = np.where(m.IS_PERINATAL[group],
                  np.clip(np.rint(m.BW_MEAN[group] + m.BW_SD[group] * rng.standard_normal(n)), 250, 6500),
                  -1).astype(np.int16)
    return dict(patient=np.arange(n, dtype=np.int64), group=group, method=method, cls=cls, day=day,
                age=age, male=male, decile=_decile(rng, ctx, emergency), care_home=care_home, n_sec=n_sec,
                charlson=charlson, bw=bw)


def _complete(rng: np.random.Generator, ctx: TrustContext, cal: Calendar, s: dict) -> dict:
    """Source, length of stay, true risk, outcome and coding for spells with patient and group set."""
    n = s["group"].size
    group, method, cls, day, age = s["group"], s["method"], s["cls"], s["day"], s["age"]
    emergency = (method == EMERGENCY) | (method == TRANSFER)
    source = np.where(method == TRANSFER, OTHER_HOSPITAL,
                      np.where(s["care_home"] & emergency, CARE_HOME,
                               np.where(m.IS_PERINATAL[group] & (method == MATERNITY), OTHER_SOURCE,
                                        np.where(rng.random(n) < 0.015, OTHER_SOURCE, USUAL)))).astype(np.int8)
    los = m.length_of_stay(rng, group, age, cls, emergency, s["care_home"])
    month = cal.at(cal.month_idx, day)
    class_effect = np.select([cls == DAY_CASE, cls == REGULAR, method == ELECTIVE, method == TRANSFER],
                             [m.CLASS_LOGODDS["day_case"], m.CLASS_LOGODDS["regular_attender"],
                              m.CLASS_LOGODDS["elective"], m.CLASS_LOGODDS["transfer"]], 0.0)
    trust_effect = np.full(n, ctx.quality)
    coded_extra = np.zeros(n)
    pall_ratio = np.ones(n)
    if ctx.gf is not None:
        ramp = np.clip((month - ctx.gf["onset"] + 1) / ctx.gf["ramp_months"], 0, 1)
        hit = emergency & np.isin(group, np.asarray(ctx.gf["diagnosis_groups"]) - 1)
        trust_effect += np.where(hit, np.log(ctx.gf["mortality_odds_ratio"]) * ramp, 0.0)
        coded_extra = ctx.gf["charlson_shift"] * ramp * (cls == ORDINARY)
        pall_ratio = 1 + (ctx.gf["palliative_coding_ratio"] - 1) * ramp
    for k, lor in ctx.noise:
        trust_effect += np.where(month == k, lor, 0.0)
    logit = m.true_logit(group, age.astype(float), s["male"], class_effect, s["charlson"],
                         cal.at(cal.season, day), s["bw"].astype(float), trust_effect)
    risk = m.sigmoid(logit)
    died = rng.random(n) < risk
    in_hosp = died & (cls == ORDINARY) & (rng.random(n) < m.IN_HOSPITAL_SHARE)
    discharge = day + los
    after = np.minimum(rng.geometric(0.09, n), 30).astype(np.int32)
    death_day = np.where(in_hosp, discharge, np.where(died, discharge + after, NO_DAY)).astype(np.int32)
    # Coding recorded after the event: more secondary diagnoses coded where coding is deeper.
    extra = rng.poisson(coded_extra) if np.any(coded_extra > 0) else 0
    ordinary = cls == ORDINARY
    p_pall = np.where(died, m.PALLIATIVE_OF_DEATHS * ctx.palliative_mult * pall_ratio,
                      m.PALLIATIVE_SURVIVOR_FACTOR * risk * ctx.palliative_mult * pall_ratio * emergency)
    palliative = ordinary & (rng.random(n) < np.minimum(p_pall, 0.9))
    return dict(s, source=source, discharge=discharge.astype(np.int32), death_day=death_day, died=died,
                in_hosp=in_hosp, risk=risk.astype(np.float32), n_sec_rec=(s["n_sec"] + extra).astype(np.int16),
                charlson_rec=(s["charlson"] + extra).astype(np.int16), palliative=palliative)


def _follow_ons(rng: np.random.Generator, ctx: TrustContext, cal: Calendar, p: dict) -> dict:
    """Next spells of surviving patients: readmissions, regular treatments, later unrelated spells."""
    alive = ~p["died"]
    n = alive.size
    cls, method = p["cls"], p["method"]
    base = np.select([cls == DAY_CASE, cls == REGULAR, method == MATERNITY, method == ELECTIVE],
                     [READMIT_P["day_case"], READMIT_P["regular_attender"], READMIT_P["maternity"],
                      READMIT_P["elective"]], READMIT_P["emergency"])
    lo = np.log(base / (1 - base)) + 0.06 * (p["charlson"] - 2) + 0.03 * (5.5 - p["decile"]) \
        + 0.05 * (p["age"] - 60) / 10 + CARE_HOME_READMIT_LOGODDS * p["care_home"]
    u = rng.random(n)
    readmit = alive & (u < m.sigmoid(lo))
    regular = alive & ~readmit & (cls == REGULAR) & (rng.random(n) < REGULAR_REPEAT_P)
    p_later = np.where(p["age"] >= 65, LATER_P_OLD, LATER_P_YOUNG)
    later = alive & ~readmit & ~regular & (rng.random(n) < p_later)
    take = readmit | regular | later
    idx = np.flatnonzero(take)
    k = idx.size
    r, g, lt = readmit[idx], regular[idx], later[idx]
    gap = np.where(r, np.minimum(rng.geometric(0.1, k), 30),
                   np.where(g, rng.integers(14, 29, k), 31 + rng.exponential(110, k).astype(np.int32)))
    day = (p["discharge"][idx] + gap).astype(np.int32)
    old_group = p["group"][idx]
    perinatal = m.IS_PERINATAL[old_group]
    # Neonates keep their perinatal group only when readmitted within 30 days.
    keep_group = np.where(perinatal, r, m.IS_CHILD_GROUP[old_group] | m.IS_MATERNITY[old_group] | g
                          | (rng.random(k) < 0.4))
    group = np.where(keep_group, old_group,
                     np.where(perinatal, m.draw_from(rng, CHILD_LATER_TABLE, k),
                              m.draw_from(rng, FOLLOW_ON_TABLE, k))).astype(np.int16)
    later_emerg = rng.random(k) < 0.5
    method = np.where(r | (lt & later_emerg), EMERGENCY, ELECTIVE).astype(np.int8)
    method = np.where(g, method, np.where(m.IS_MATERNITY[group] & ~r, MATERNITY, method)).astype(np.int8)
    day_case = (method == ELECTIVE) & ~g & (rng.random(k) < m.GROUP_DAY_CASE[group])
    new_cls = np.where(g, REGULAR, np.where(day_case, DAY_CASE, ORDINARY)).astype(np.int8)
    emergency = method == EMERGENCY
    n_sec_step, ch_step = m.draw_comorbidity(rng, np.zeros(k), np.zeros(k, dtype=bool))
    grow = rng.random(k) < 0.15  # occasionally a new comorbidity is found
    return dict(patient=p["patient"][idx], group=group, method=method, cls=new_cls, day=day,
                age=np.minimum(p["age"][idx] + (gap > 182) * (rng.random(k) < 0.5), 105).astype(np.int16),
                male=p["male"][idx], decile=p["decile"][idx],
                care_home=p["care_home"][idx] & emergency, n_sec=(p["n_sec"][idx] + grow * n_sec_step).astype(np.int16),
                charlson=(p["charlson"][idx] + grow * np.minimum(ch_step, 2)).astype(np.int16),
                bw=np.where(m.IS_PERINATAL[group], p["bw"][idx], -1).astype(np.int16))


OUTPUT_FIELDS = ("patient", "day", "discharge", "age", "male", "decile", "method", "source", "cls", "group",
                 "n_sec_rec", "charlson_rec", "palliative", "bw", "in_hosp", "death_day", "risk")


def trust_spells(world: World, pos: int, cal: Calendar | None = None) -> dict[str, np.ndarray]:
    """All spells of one trust discharged within the generated months, sorted by admission date.

    Returns plain arrays (day offsets from the first generated day; ``patient`` numbered 0.. within the
    trust) that :mod:`caresignal.synth.admissions_arrow` turns into a Parquet row group.
    """
    cal = cal or Calendar(world)
    ctx = trust_context(world, pos)
    rng = world.rng("admissions", ctx.code)
    gen = _complete(rng, ctx, cal, _index_spells(rng, ctx, cal))
    parts = [gen]
    for _ in range(MAX_GENERATIONS):
        nxt = _follow_ons(rng, ctx, cal, gen)
        inside = nxt["day"] < cal.n_days
        nxt = {k: v[inside] for k, v in nxt.items()}
        if nxt["day"].size == 0:
            break
        gen = _complete(rng, ctx, cal, nxt)
        parts.append(gen)
    out = {k: np.concatenate([p[k] for p in parts]) for k in OUTPUT_FIELDS}
    keep = (out["discharge"] >= 0) & (out["discharge"] < cal.n_days)
    # Day offsets fit in int16 (windows up to ~89 years), so the stable sort is a radix sort.
    key = np.where(keep, out["day"], 32767).astype(np.int16)
    order = np.argsort(key, kind="stable")[: int(keep.sum())]
    out = {k: v[order] for k, v in out.items()}
    # Number patients 0.. in order of their index spell, without a sort.
    used = np.zeros(int(out["patient"].max()) + 1 if out["patient"].size else 0, dtype=bool)
    used[out["patient"]] = True
    out["patient"] = (np.cumsum(used) - 1)[out["patient"]].astype(np.int64)
    return out

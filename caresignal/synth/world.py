"""The synthetic world: fictional trusts, their latent traits and the planted scenarios.

Every source generator (admissions, breast surgery, operational and feedback sources) reads one
``World`` built here, so that the sources agree with each other: the same trusts, sizes, hidden quality
and the same planted failures with the same onset months. ``World.rng(*keys)`` gives each generator an
independent deterministic random stream, so the output does not depend on call order or on the number of
processes.

Calibration (``/work/shared/reference/england_calibration.md``, section 1): the non-specialist trust
subtype mix (teaching 42%, large 19%, medium 17%, small 16%, multi-service 6%) plus 11 specialist trusts
in 129 acute trusts; trusts per region; 42 integrated care boards; 21 cancer alliances; median SHMI spells
by subtype (teaching 95k, large 88k, medium 62k, multi-service 45k, small 43k) for relative size; about 94
spells a year per general and acute bed.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from caresignal.domain.errors import OptionError
from caresignal.domain.sources import ORGANISATIONS, REGIONS, TRUST_TYPES
from caresignal.synth import names

SCENARIO_KINDS = ("general_failure", "breast_service", "booking_failure", "case_mix_bait", "noise_month",
                  "alert_noncompliance")

# Calibration section 1: 118 non-specialist trusts by subtype + 11 specialist (of 129 acute trusts).
TYPE_COUNTS = {"acute_teaching": 49, "acute_large": 23, "acute_medium": 20, "acute_small": 19,
               "acute_multi_service": 7, "acute_specialist": 11}
# Median SHMI spells per trust by subtype (calibration section 1); specialist trusts [A] about 30k.
TYPE_MEDIAN_SPELLS = {"acute_teaching": 95_000, "acute_large": 88_000, "acute_medium": 62_000,
                      "acute_small": 43_000, "acute_multi_service": 45_000, "acute_specialist": 30_000}
# Spread of size within a subtype [A]: log-normal SD giving P10/P90 of spells near the published 36k/129k.
SIZE_LOG_SD = 0.35
# Non-specialist trusts per region (calibration section 1), order as REGIONS.
REGION_COUNTS = {"North East and Yorkshire": 21, "North West": 17, "Midlands": 20, "East of England": 13,
                 "London": 17, "South East": 17, "South West": 13}
# ICBs (42 in total) and cancer alliances (21) per region, close to the real split.
ICBS_PER_REGION = {"North East and Yorkshire": 4, "North West": 3, "Midlands": 11, "East of England": 6,
                   "London": 5, "South East": 6, "South West": 7}
ALLIANCES_PER_REGION = {"North East and Yorkshire": 3, "North West": 3, "Midlands": 4, "East of England": 3,
                        "London": 2, "South East": 3, "South West": 3}
SPELLS_PER_BED = 94  # median spells per G&A bed per year (calibration section 1)
# Between-trust SD of the true mortality log-odds effect. The published SHMI needs tau^2 ~ 0.0067 on the
# log scale (calibration section 1, PROVENANCE) and shows heavier tails than a normal: a scaled
# Student t with 4 degrees of freedom gives ~8% of trusts banded higher and ~8% lower at 95% limits
# (checked in tests/synth/test_admissions_*).
QUALITY_SCALE = 0.08
QUALITY_DF = 4
QUALITY_CAP = 0.35
# Correlation of the other latent traits with (better) quality [A]: modest, as in Keogh 2013 where poor
# mortality came with poor experience and staff survey results but not always.
TRAIT_QUALITY_CORRELATION = {"ae_perf": 0.2, "rtt_perf": 0.15, "experience": 0.35, "safety_culture": 0.35,
                             "responsiveness": 0.25, "staff_morale": 0.35, "deprivation": 0.0}
# National admitted spells a year at scale 1.0 (issue 3: "about 20 million").
NATIONAL_SPELLS_PER_YEAR = 20_000_000

_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


@dataclass(frozen=True)
class Scenario:
    """One planted failure (or bait), as recorded in ``ground_truth.json``."""

    id: str
    kind: str
    org_code: str
    service: str
    onset_month: str
    sources: tuple[str, ...]
    effect: dict = field(hash=False)

    def to_dict(self) -> dict:
        return {"id": self.id, "kind": self.kind, "org_code": self.org_code, "service": self.service,
                "onset_month": self.onset_month, "sources": list(self.sources), "effect": self.effect}


@dataclass(frozen=True, eq=False)
class World:
    """The trusts, their latent traits and the planted scenarios of one synthetic England.

    Attributes
    ----------
    seed, start, months, scale
        As given to :func:`build_world`; ``months`` lists every month ``YYYY-MM``.
    orgs : pandas.DataFrame
        One row per trust (sorted by ``org_code``): the columns of ``organisations.csv`` plus latent
        traits ``size`` (relative activity, mean 1), ``quality`` (log-odds effect on mortality: positive
        is worse) and standard-normal ``ae_perf``, ``rtt_perf``, ``experience``, ``safety_culture``,
        ``responsiveness``, ``staff_morale`` (positive is better) and ``deprivation`` (positive is more
        deprived).
    scenarios : tuple of Scenario
    """

    seed: int
    start: str
    months: tuple[str, ...]
    scale: float
    orgs: pd.DataFrame
    scenarios: tuple[Scenario, ...]

    def rng(self, *keys) -> np.random.Generator:
        """An independent deterministic stream for a key path, e.g. ``rng("complaints", "text")``.

        Derived with ``numpy.random.SeedSequence`` from the seed and a BLAKE2 hash of the keys, so it is
        the same whatever the order of calls or the number of processes.
        """
        return np.random.default_rng(seed_sequence(self.seed, *keys))

    def scenarios_of(self, kind: str) -> list[Scenario]:
        if kind not in SCENARIO_KINDS:
            raise OptionError(f"scenario kind must be one of {', '.join(SCENARIO_KINDS)}; got {kind!r}")
        return [s for s in self.scenarios if s.kind == kind]

    def month_index(self, month: str) -> int:
        try:
            return self.months.index(month)
        except ValueError:
            raise OptionError(f"month {month!r} is not among the generated months "
                              f"{self.months[0]}..{self.months[-1]}") from None

    def annual_volume(self, per_year_at_scale1_nationally: float) -> np.ndarray:
        """Expected yearly count per trust (order of ``orgs``): national figure x scale x size share."""
        size = self.orgs["size"].to_numpy(dtype=float)
        return per_year_at_scale1_nationally * self.scale * size / size.sum()

    def month_starts(self) -> np.ndarray:
        """First day of each month, ``datetime64[D]`` (plus one extra: the day after the last month)."""
        first = np.datetime64(self.start, "M")
        return (first + np.arange(len(self.months) + 1)).astype("datetime64[D]")

    def org_position(self, org_code: str) -> int:
        hits = np.flatnonzero(self.orgs["org_code"].to_numpy() == org_code)
        if hits.size == 0:
            raise OptionError(f"no trust {org_code!r} in this world")
        return int(hits[0])

    def ground_truth(self) -> dict:
        return {"seed": self.seed, "start": self.start, "months": len(self.months),
                "scenarios": [s.to_dict() for s in self.scenarios]}


def seed_sequence(seed: int, *keys) -> np.random.SeedSequence:
    """SeedSequence from a seed and a key path (stable across runs and platforms)."""
    digest = hashlib.blake2b("\x1f".join(str(k) for k in keys).encode(), digest_size=16).digest()
    words = [int.from_bytes(digest[i:i + 4], "little") for i in range(0, 16, 4)]
    return np.random.SeedSequence([seed & 0xFFFFFFFF, seed >> 32, *words])


def month_list(start: str, months: int) -> tuple[str, ...]:
    if not isinstance(start, str) or not _MONTH.match(start):
        raise OptionError(f"--start must be a month written YYYY-MM (e.g. 2023-04); got {start!r}")
    first = np.datetime64(start, "M")
    return tuple(str(m) for m in first + np.arange(months))


def _largest_remainder(weights: dict[str, float], n: int) -> dict[str, int]:
    keys = list(weights)
    w = np.array([weights[k] for k in keys], dtype=float)
    raw = w / w.sum() * n
    counts = np.floor(raw).astype(int)
    order = np.argsort(-(raw - counts), kind="stable")
    counts[order[: n - counts.sum()]] += 1
    return dict(zip(keys, counts.tolist()))


def _build_orgs(seed: int, n: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed_sequence(seed, "world", "orgs"))
    type_counts = _largest_remainder(TYPE_COUNTS, n)
    types = np.array([t for t in TRUST_TYPES for _ in range(type_counts[t])])
    rng.shuffle(types)
    region_of = rng.choice(np.array(REGIONS), size=n,
                           p=np.array([REGION_COUNTS[r] for r in REGIONS]) / sum(REGION_COUNTS.values()))

    n_icb = sum(ICBS_PER_REGION.values())
    n_alliance = sum(ALLIANCES_PER_REGION.values())
    places = names.place_names(rng, 2 * n + n_icb + n_alliance)
    trust_places, icb_places, alliance_places = places[: 2 * n], places[2 * n: 2 * n + n_icb], places[2 * n + n_icb:]
    icbs: dict[str, list[tuple[str, str]]] = {}
    i_icb = i_all = 0
    for region in REGIONS:
        alliances = [f"{alliance_places[i_all + k]} Cancer Alliance" for k in range(ALLIANCES_PER_REGION[region])]
        i_all += len(alliances)
        icbs[region] = []
        for k in range(ICBS_PER_REGION[region]):
            icbs[region].append((f"NHS {icb_places[i_icb]} Integrated Care Board", alliances[k % len(alliances)]))
            i_icb += 1

    median = np.array([TYPE_MEDIAN_SPELLS[t] for t in types], dtype=float)
    spells = median * np.exp(rng.normal(0.0, SIZE_LOG_SD, n))
    size = spells / spells.mean()
    beds = np.round(spells / SPELLS_PER_BED * np.exp(rng.normal(0.0, 0.1, n))).astype(int)
    pick_icb = rng.integers(0, 1 << 30, n)
    org_icb, org_alliance = [], []
    for region, p in zip(region_of, pick_icb):
        icb, alliance = icbs[region][int(p) % len(icbs[region])]
        org_icb.append(icb)
        org_alliance.append(alliance)
    # Teaching status: every "acute_teaching" trust, plus a few large ones with a university link [A].
    teaching = (types == "acute_teaching") | ((types == "acute_specialist") & (rng.random(n) < 0.5))
    trust_names = [names.trust_name(rng, str(t), trust_places[2 * i], trust_places[2 * i + 1])
                   for i, t in enumerate(types)]
    codes = names.org_codes(rng, n)

    t_draw = rng.standard_t(QUALITY_DF, n) * QUALITY_SCALE
    quality = np.clip(t_draw, -QUALITY_CAP, QUALITY_CAP)
    orgs = pd.DataFrame({
        "org_code": codes, "org_name": trust_names, "region": region_of, "icb": org_icb,
        "trust_type": types, "teaching": teaching.astype(np.int64), "beds": beds,
        "cancer_network": org_alliance, "synthetic": np.ones(n, dtype=np.int64),
        "size": size, "quality": quality,
    })
    zq = -(quality - quality.mean()) / max(quality.std(), 1e-9)  # positive = better care
    for trait, rho in TRAIT_QUALITY_CORRELATION.items():
        noise = rng.standard_normal(n)
        orgs[trait] = rho * zq + np.sqrt(1 - rho * rho) * noise
    # Deprivation varies by region [A]: the North East, North West and London are more deprived.
    region_shift = {"North East and Yorkshire": 0.5, "North West": 0.5, "London": 0.3, "Midlands": 0.2,
                    "East of England": -0.3, "South East": -0.6, "South West": -0.3}
    dep = orgs["deprivation"].to_numpy() * 0.8 + np.array([region_shift[r] for r in region_of])
    orgs["deprivation"] = (dep - dep.mean()) / max(dep.std(), 1e-9)
    orgs = orgs.sort_values("org_code", kind="stable").reset_index(drop=True)
    assert list(orgs.columns[: len(ORGANISATIONS.columns)]) == list(ORGANISATIONS.column_names)
    return orgs


def build_world(seed: int, trusts: int = 150, months: int = 36, start: str = "2023-04",
                scale: float = 1.0) -> World:
    """Build the fictional trusts, their latent traits and the planted scenarios.

    Parameters
    ----------
    seed : int
        Non-negative random seed; the same seed gives the same world.
    trusts : int
        Number of trusts (at least 8, so that every scenario has its own trust).
    months : int
        Number of months from ``start``.
    start : str
        First month, ``YYYY-MM``.
    scale : float
        1.0 = national volume (about 20 million admitted spells a year over all trusts).
    """
    if not isinstance(seed, (int, np.integer)) or seed < 0 or seed >= 2 ** 63:
        raise OptionError(f"--seed must be a non-negative integer below 2**63; got {seed!r}")
    if int(trusts) < 8:
        raise OptionError(f"--trusts must be at least 8 (each planted scenario needs its own trust); got {trusts}")
    if int(months) < 1:
        raise OptionError(f"--months must be at least 1; got {months}")
    if not scale > 0:
        raise OptionError(f"--scale must be positive; got {scale}")
    month_names = month_list(start, int(months))
    orgs = _build_orgs(int(seed), int(trusts))
    from caresignal.synth.scenarios import plant_scenarios  # after orgs exist; small separate module

    scenarios = plant_scenarios(int(seed), orgs, month_names)
    return World(seed=int(seed), start=start, months=month_names, scale=float(scale), orgs=orgs,
                 scenarios=tuple(scenarios))

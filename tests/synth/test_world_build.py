"""The synthetic world: fictional trusts, calibrated mix, planted scenarios, random streams."""

from __future__ import annotations

import csv
import re

import numpy as np
import pytest

from caresignal.domain.errors import OptionError
from caresignal.domain.sources import ORG_CODE, ORGANISATIONS, REGIONS, SOURCES, TRUST_TYPES
from caresignal.synth.diagnosis_groups import GROUPS, lookup_table
from caresignal.synth.world import SCENARIO_KINDS, build_world


@pytest.fixture(scope="module")
def world():
    return build_world(11, trusts=150, months=36, start="2023-04", scale=0.01)


def test_same_seed_same_world_and_different_seed_differs():
    a = build_world(3, trusts=40, months=12, scale=0.01)
    b = build_world(3, trusts=40, months=12, scale=0.01)
    c = build_world(4, trusts=40, months=12, scale=0.01)
    assert a.orgs.equals(b.orgs)
    assert [s.to_dict() for s in a.scenarios] == [s.to_dict() for s in b.scenarios]
    assert not a.orgs["org_code"].equals(c.orgs["org_code"])


def test_organisations_are_fictional_and_complete(world):
    orgs = world.orgs
    assert list(orgs.columns[: len(ORGANISATIONS.columns)]) == list(ORGANISATIONS.column_names)
    assert orgs["org_code"].is_unique
    assert all(re.fullmatch(ORG_CODE, c) and c.startswith("Z") for c in orgs["org_code"])
    assert orgs["org_name"].is_unique
    assert set(orgs["region"]) <= set(REGIONS) and set(orgs["trust_type"]) <= set(TRUST_TYPES)
    assert (orgs["synthetic"] == 1).all()
    assert orgs["icb"].nunique() <= 42 and orgs["cancer_network"].nunique() <= 21


def test_trust_mix_follows_the_calibration(world):
    # england_calibration.md section 1: teaching 49 of 129 acute trusts (38%), specialist 11 (8.5%).
    share = world.orgs["trust_type"].value_counts(normalize=True)
    assert share["acute_teaching"] == pytest.approx(49 / 129, abs=0.02)
    assert share["acute_specialist"] == pytest.approx(11 / 129, abs=0.02)
    assert world.orgs["size"].mean() == pytest.approx(1.0)
    # Median beds per trust 748 (P10 414, P90 1,468) for non-specialist trusts.
    beds = world.orgs.loc[world.orgs["trust_type"] != "acute_specialist", "beds"]
    assert 550 <= beds.median() <= 950


def test_annual_volume_sums_to_national_scale(world):
    assert world.annual_volume(20_000_000).sum() == pytest.approx(20_000_000 * 0.01)


def test_random_streams_are_independent_of_call_order(world):
    first = world.rng("complaints", "text").random(3)
    world.rng("admissions", "ZA1B").random(100)
    again = world.rng("complaints", "text").random(3)
    other = world.rng("complaints", "dates").random(3)
    assert np.array_equal(first, again) and not np.array_equal(first, other)


def test_scenarios_follow_the_contract(world):
    kinds = [s.kind for s in world.scenarios]
    assert set(kinds) == set(SCENARIO_KINDS)
    for s in world.scenarios:
        assert s.onset_month in world.months
        assert set(s.sources) <= set(SOURCES)
    planted = [s.org_code for s in world.scenarios if s.kind != "alert_noncompliance"]
    assert len(planted) == len(set(planted)), "planted trusts must be distinct"
    orgs = world.orgs.set_index("org_code")
    gf = world.scenarios_of("general_failure")[0]
    assert orgs.at[gf.org_code, "trust_type"] in ("acute_medium", "acute_large")
    assert orgs.at[gf.org_code, "teaching"] == 0
    assert len(gf.effect["diagnosis_groups"]) == 8
    assert world.month_index(gf.onset_month) == 12  # a third of the way into 36 months
    bait = world.scenarios_of("case_mix_bait")[0]
    assert orgs.at[bait.org_code, "trust_type"] == "acute_teaching"
    for s in world.scenarios_of("case_mix_bait") + world.scenarios_of("noise_month"):
        assert orgs.at[s.org_code, "quality"] == 0.0
    noise = world.scenarios_of("noise_month")
    assert 2 <= len(noise) <= 4 and all(s.effect["month"] == s.onset_month for s in noise)
    alerts = world.scenarios_of("alert_noncompliance")
    assert len(alerts) == 75 and all(0.15 <= s.effect["miss_probability"] <= 0.5 for s in alerts)


def test_bad_options_name_the_option():
    with pytest.raises(OptionError, match="--start"):
        build_world(1, trusts=40, months=12, start="2023-13")
    with pytest.raises(OptionError, match="--trusts"):
        build_world(1, trusts=5)
    with pytest.raises(OptionError, match="--scale"):
        build_world(1, trusts=40, scale=0)
    with pytest.raises(OptionError, match="kind"):
        build_world(1, trusts=40, months=12).scenarios_of("nonsense")


def test_diagnosis_groups_include_symptom_and_perinatal_groups():
    table = lookup_table()
    assert 135 <= len(table) <= 150  # "about 140 SHMI-like groups" (issue 3)
    assert table["group_id"].tolist() == list(range(1, len(table) + 1))
    assert table["symptom_group"].sum() >= 5 and table["perinatal_group"].sum() >= 3
    assert GROUPS["share"].sum() == pytest.approx(1.0)


def test_names_are_not_real_trust_names(world, shared_data):
    """No generated place name is a word of a real trust's name (trust profile snapshot, 204 trusts)."""
    path = shared_data("trustpulse_trust_profiles") / "trust_quality_signals_2026-03.csv"
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    real_words = {w.upper() for r in rows for w in re.findall(r"[A-Za-z']+", r["org_name"])}
    real_codes = {r["org_code"] for r in rows}
    generic = {"NHS", "TRUST", "FOUNDATION", "HOSPITALS", "HOSPITAL", "UNIVERSITY", "OF", "AND", "TEACHING",
               "HEALTH", "HEALTHCARE", "GENERAL", "DISTRICT", "CARE", "INTEGRATED", "CHILDREN'S", "HEART",
               "CHEST", "ORTHOPAEDIC", "CANCER", "CENTRE", "THE"}
    for name in world.orgs["org_name"]:
        places = {w.upper() for w in re.findall(r"[A-Za-z']+", name)} - generic
        assert not places & real_words, f"{name!r} shares a place name with a real trust"
    assert not set(world.orgs["org_code"]) & real_codes

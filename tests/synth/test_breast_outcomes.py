"""Mastectomy and immediate reconstruction: national rates (calibration section 9) and the planted service."""

from __future__ import annotations

import numpy as np
import pytest

from caresignal.synth import breast
from caresignal.synth.world import build_world

MONTHS = 24


@pytest.fixture(scope="module")
def procedures():
    world = build_world(9, trusts=150, months=MONTHS, start="2023-04", scale=1.0)
    per_trust = [breast.trust_procedures(world, pos) for pos in range(len(world.orgs))]
    merged = {k: np.concatenate([p[k] for p in per_trust]) for k in per_trust[0]}
    return world, per_trust, merged


def test_national_volume_and_rates(procedures):
    _, per_trust, b = procedures
    assert b["day"].size / (MONTHS / 12) == pytest.approx(15_000, rel=0.05)   # ~15k a year (NMBRA)
    assert 0.20 <= b["ibr"].mean() <= 0.40                                     # 21% NMBRA .. 39.7% iBRA-2
    assert 0.15 <= b["complication"].mean() <= 0.25
    assert 0.08 <= b["rtt"].mean() <= 0.105                                    # about 1 in 10 (NMBRA)
    assert 0.13 <= b["rtt"][b["ibr"]].mean() <= 0.19                           # implant IBR 17.8% (iBRA)
    assert b["complication"][b["ibr"]].mean() > 1.3 * b["complication"][~b["ibr"]].mean()
    implant = b["rtype"] == 1
    assert b["complication"][implant].mean() > b["complication"][b["rtype"] == 0].mean()
    rates = [p["ibr"].mean() for p in per_trust if p["day"].size >= 100]
    assert np.percentile(rates, 90) - np.percentile(rates, 10) > 0.12          # varies by trust (9-43%)


def test_case_mix_fields_are_plausible(procedures):
    _, _, b = procedures
    assert 55 <= b["age"].mean() <= 65 and b["age"].min() >= 16
    assert set(np.unique(b["asa"])) <= {1, 2, 3, 4, 5} and np.mean(b["asa"] == 2) > 0.4
    assert 26 <= b["bmi"].mean() <= 30
    assert 0.08 <= b["smoker"].mean() <= 0.18 and 0.05 <= b["diabetes"].mean() <= 0.15
    assert ((b["rtype"] > 0) == b["ibr"]).all()
    # Older women are offered reconstruction less often.
    assert b["ibr"][b["age"] < 50].mean() > 2 * b["ibr"][b["age"] >= 70].mean()


def test_true_complication_risk_is_calibrated(procedures):
    _, _, b = procedures
    expected, observed = b["risk"].astype(float).sum(), b["complication"].sum()
    assert abs(observed - expected) < 3.5 * np.sqrt(expected)


def test_breast_service_scenario_is_visible_in_crude_figures(procedures):
    world, per_trust, b = procedures
    sc = world.scenarios_of("breast_service")[0]
    t = per_trust[world.org_position(sc.org_code)]
    starts = (world.month_starts() - world.month_starts()[0]).astype(int)
    after = np.searchsorted(starts, t["day"], side="right") - 1 >= world.month_index(sc.onset_month)
    ibr_after = t["ibr"] & after
    assert ibr_after.sum() >= 30
    national_ibr_comp = b["complication"][b["ibr"]].mean()
    # Planted odds ratio 3 for complications and returns to theatre after IBR (expected ratios ~1.9, ~2.4).
    assert t["complication"][ibr_after].mean() > 1.4 * national_ibr_comp
    assert t["rtt"][ibr_after].mean() > 1.8 * b["rtt"][b["ibr"]].mean()
    # Mastectomy without reconstruction there is unaffected.
    plain = ~t["ibr"] & after
    assert t["complication"][plain].mean() < 1.6 * b["complication"][~b["ibr"]].mean()

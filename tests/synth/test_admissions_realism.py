"""Admitted spells look like England (england_calibration.md sections 2-3) and are internally consistent."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from caresignal.synth.diagnosis_groups import lookup_table
from caresignal.synth.generate import generate_england


@pytest.fixture(scope="module")
def spells(tmp_path_factory):
    out = tmp_path_factory.mktemp("adm")
    generate_england(out, seed=21, trusts=40, months=12, start="2023-04", scale=0.02, workers=1)
    df = pq.read_table(out / "admissions.parquet").to_pandas(date_as_object=False)
    df["ordinary"] = df["patient_classification"] == "ordinary"
    df["dead30"] = df["date_of_death"].notna() & ((df["date_of_death"] - df["discharge_date"]).dt.days <= 30)
    return df


def test_volume_is_20_million_a_year_at_scale_1(spells):
    assert len(spells) == pytest.approx(20_000_000 * 0.02, rel=0.05)  # issue 3: ~20M spells a year


def test_case_mix_proportions(spells):
    method = spells["admission_method"].value_counts(normalize=True)
    assert 0.33 <= method["emergency"] + method["transfer"] <= 0.39   # ~36% emergency (HES 2012, 2024)
    cls = spells["patient_classification"].value_counts(normalize=True)
    assert 0.30 <= cls["day_case"] <= 0.37                           # 34% day cases (HES 2012)
    assert 0.53 <= (spells["sex"] == "F").mean() <= 0.59              # 56% female (HES 2015/16)
    assert 0.55 <= (spells["age"] >= 45).mean() <= 0.72               # 61% aged 45+ (HES 2015/16)
    los = (spells["discharge_date"] - spells["admission_date"]).dt.days
    assert 3.5 <= los[spells["ordinary"]].mean() <= 6.0               # mean LOS 4.9 days (HES 2014/15)
    assert spells["deprivation_decile"].between(1, 10).all()
    assert set(spells["admission_source"]) == {"usual_residence", "care_home", "other_hospital", "other"}


def test_national_mortality_of_the_shmi_like_cohort(spells):
    ordinary = spells[spells["ordinary"]]
    crude = ordinary["dead30"].mean()
    assert 0.027 <= crude <= 0.034                                    # SHMI crude 3.05% (2025)
    deaths = ordinary[ordinary["dead30"]]
    assert 0.60 <= deaths["died_in_hospital"].mean() <= 0.74          # in hospital ~2/3 of SHMI deaths
    assert 0.13 <= deaths["palliative_care"].mean() <= 0.22           # 16.4-17.3% coded palliative
    emergency = ordinary[ordinary["admission_method"] == "emergency"]
    assert 0.005 <= emergency["palliative_care"].mean() <= 0.05       # a few % of emergency spells
    day_cases = spells[spells["patient_classification"] == "day_case"]
    assert day_cases["dead30"].mean() < 0.001
    assert (deaths["age"] >= 75).mean() == pytest.approx(2 / 3, abs=0.08)  # ~2/3 of deaths aged 75+


def test_true_risk_is_calibrated(spells):
    ordinary = spells[spells["ordinary"]]
    risk = ordinary["synthetic_true_risk"].astype(float)
    observed, expected = ordinary["dead30"].sum(), risk.sum()
    assert abs(observed - expected) < 3.5 * np.sqrt(expected)
    decile = pd.qcut(risk, 10, labels=False, duplicates="drop")
    by = ordinary.assign(r=risk, d=decile).groupby("d").agg(o=("dead30", "sum"), e=("r", "sum"))
    z = (by["o"] - by["e"]) / np.sqrt(by["e"])
    assert (z.abs() < 4).all(), by


def test_mortality_rises_with_age(spells):
    ordinary = spells[spells["ordinary"] & (spells["age"] >= 18)]
    bands = pd.cut(ordinary["age"], [17, 44, 64, 74, 84, 120])
    rates = ordinary.groupby(bands, observed=True)["dead30"].mean().to_numpy()
    assert (np.diff(rates) > 0).all(), rates
    assert rates[-1] > 0.08 and rates[0] < 0.01  # assumed shape: 85+ ~11%, under 45 ~0.2%


def test_patients_recur_and_readmissions_are_plausible(spells):
    s = spells.sort_values(["patient_id", "admission_date", "spell_id"])
    same = s["patient_id"].to_numpy()[1:] == s["patient_id"].to_numpy()[:-1]
    assert same.mean() > 0.1, "patients recur"
    gap = (s["admission_date"].to_numpy()[1:] - s["discharge_date"].to_numpy()[:-1]).astype("timedelta64[D]").astype(int)
    assert (gap[same] >= 1).all(), "a patient's spells never overlap"
    next_emergency = np.zeros(len(s), dtype=bool)
    next_emergency[:-1] = same & (gap <= 30) & (s["admission_method"].to_numpy()[1:] == "emergency")
    last_day = s["discharge_date"].max()
    index = ((s["admission_method"] == "emergency") & ~s["died_in_hospital"]
             & (s["discharge_date"] <= last_day - pd.Timedelta(days=30))).to_numpy()
    # 13.8% of emergency discharges readmitted as an emergency within 30 days (NHS Digital 2017/18)
    assert 0.12 <= next_emergency[index].mean() <= 0.16


def test_no_spell_after_death_and_dates_consistent(spells):
    assert (spells["discharge_date"] >= spells["admission_date"]).all()
    dead = spells[spells["date_of_death"].notna()]
    assert (dead["date_of_death"] >= dead["discharge_date"]).all()
    inh = spells[spells["died_in_hospital"]]
    assert (inh["date_of_death"] == inh["discharge_date"]).all()
    death_of = dead.groupby("patient_id")["date_of_death"].min()
    later = spells.join(death_of.rename("death"), on="patient_id", how="inner")
    assert not (later["admission_date"] > later["death"]).any(), "a spell after the patient's death"


def test_birthweight_only_for_perinatal_groups(spells):
    perinatal = set(lookup_table().query("perinatal_group == 1")["group_id"])
    is_peri = spells["primary_diagnosis_group"].isin(perinatal)
    assert spells.loc[is_peri, "birthweight_g"].notna().all()
    assert spells.loc[~is_peri, "birthweight_g"].isna().all()
    assert (spells.loc[is_peri, "age"] == 0).all()


def test_charlson_follows_secondary_diagnoses(spells):
    assert (spells["charlson_score"] <= 6 * spells["n_secondary_diagnoses"]).all()
    em = spells[(spells["admission_method"] == "emergency") & (spells["age"] >= 75)]
    assert em["n_secondary_diagnoses"].mean() > 4 and em["charlson_score"].median() >= 2


def test_winter_peak_in_emergencies_and_mortality(spells):
    month = spells["admission_date"].dt.month
    winter, summer = month.isin([12, 1, 2]), month.isin([6, 7, 8])
    em = spells["admission_method"] == "emergency"
    assert (em & winter).sum() > 1.05 * (em & summer).sum()
    o = spells["ordinary"]
    assert spells.loc[o & winter, "dead30"].mean() > 1.08 * spells.loc[o & summer, "dead30"].mean()

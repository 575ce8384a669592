"""A small, fully known world for engine tests: source files written from the schemas, true risks known.

Independent of the generator (``caresignal.synth``): its risk model is written here, so tests can check
what the engine recovers. Deterministic for a seed.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from scipy.special import expit

from caresignal.domain.sources import ADMISSIONS, BREAST_SURGERY

START = pd.Timestamp("2022-04-01")
GROUPS = pd.DataFrame({
    "group_id": [1, 2, 3, 4, 5, 6, 7],
    "group_name": ["Pneumonia", "Acute myocardial infarction", "Fracture of neck of femur (hip)",
                   "Chemotherapy and radiotherapy admissions", "Normal delivery",
                   "Respiratory distress and other perinatal respiratory conditions", "Rare condition"],
    "chapter": ["X Diseases of the respiratory system", "IX Diseases of the circulatory system",
                "XIX Injury, poisoning and certain other consequences of external causes",
                "XXI Factors influencing health status and contact with health services",
                "XV Pregnancy, childbirth and the puerperium",
                "XVI Certain conditions originating in the perinatal period",
                "IV Endocrine, nutritional and metabolic diseases"],
    "symptom_group": [0, 0, 0, 0, 0, 0, 0],
    "perinatal_group": [0, 0, 0, 0, 0, 1, 0],
})
SHARE = np.array([0.3, 0.2, 0.15, 0.15, 0.1, 0.06, 0.04])
BASE_LOGIT = np.array([-2.2, -3.0, -2.8, -4.5, -9.0, -3.5, -6.0])
AGE_MEAN = np.array([72, 68, 82, 62, 30, 0, 50])


def orgs_frame(n_trusts: int) -> pd.DataFrame:
    codes = [f"ZT{i:03d}" for i in range(1, n_trusts + 1)]
    types = ["acute_medium"] * n_trusts
    types[-1] = "acute_specialist"
    types[0] = "acute_teaching"
    return pd.DataFrame({
        "org_code": codes, "org_name": [f"Fictional Trust {i}" for i in range(1, n_trusts + 1)],
        "region": "London", "icb": "Fictional ICB", "trust_type": types,
        "teaching": [1 if t == "acute_teaching" else 0 for t in types], "beds": 500,
        "cancer_network": "Fictional Alliance", "synthetic": 1,
    })


def admissions_frame(n_spells: int, n_trusts: int = 12, months: int = 24, seed: int = 1,
                     quality: dict[int, float] | None = None) -> pd.DataFrame:
    """Spells with a known logistic risk of death within 30 days (``synthetic_true_risk``)."""
    rng = np.random.default_rng(seed)
    n_pat = max(1, n_spells // 2)
    pat_trust = rng.integers(0, n_trusts, n_pat)
    pat_sex = rng.choice(["M", "F"], n_pat)
    pat = rng.integers(0, n_pat, n_spells)
    days = months * 30
    adm = START + pd.to_timedelta(rng.integers(0, days, n_spells), unit="D")
    group = rng.choice(len(SHARE), n_spells, p=SHARE)
    age = np.clip(np.round(rng.normal(AGE_MEAN[group], 12)), 0, 105).astype(int)
    age[group == 5] = 0
    age[group == 4] = np.clip(age[group == 4], 16, 50)
    method = np.where(group == 4, "maternity",
                      np.where(rng.random(n_spells) < 0.6, "emergency",
                               np.where(rng.random(n_spells) < 0.9, "elective", "transfer")))
    charlson = rng.poisson(1.2, n_spells)
    palliative = rng.random(n_spells) < 0.03
    trust = np.where(rng.random(n_spells) < 0.9, pat_trust[pat], rng.integers(0, n_trusts, n_spells))
    q = np.zeros(n_trusts)
    for k, v in (quality or {}).items():
        q[k] = v
    eta = (BASE_LOGIT[group] + 0.045 * (age - 70) * (group != 5) + 0.3 * charlson
           + 0.7 * (method == "emergency") - 0.2 * (pat_sex[pat] == "F") + 2.0 * palliative + q[trust])
    bw = np.where(group == 5, np.clip(rng.normal(3000, 700, n_spells), 400, 5500).round(), np.nan)
    eta = eta + np.where(group == 5, -0.0015 * (np.nan_to_num(bw, nan=3000) - 3000), 0)
    risk = expit(eta)
    los = np.where(method == "elective", rng.integers(0, 3, n_spells), rng.integers(1, 12, n_spells))
    dis = adm + pd.to_timedelta(los, unit="D")
    died30 = rng.random(n_spells) < risk
    in_hosp = died30 & (rng.random(n_spells) < 0.6)
    death = pd.Series(pd.NaT, index=range(n_spells), dtype="datetime64[ns]")
    after = rng.integers(1, 31, n_spells)
    death[died30] = (dis + pd.to_timedelta(np.where(in_hosp, 0, after), unit="D"))[died30]
    late = (~died30) & (rng.random(n_spells) < 0.01)  # deaths after 30 days: not SHMI deaths
    death[late] = (dis + pd.to_timedelta(rng.integers(31, 200, n_spells), unit="D"))[late]
    df = pd.DataFrame({
        "patient_id": pat + 1, "org_code": [f"ZT{i + 1:03d}" for i in trust],
        "admission_date": adm, "discharge_date": dis, "age": age, "sex": pat_sex[pat],
        "deprivation_decile": rng.integers(1, 11, n_spells), "admission_method": method,
        "admission_source": rng.choice(["usual_residence", "care_home", "other_hospital", "other"], n_spells,
                                       p=[0.8, 0.1, 0.05, 0.05]),
        "patient_classification": np.where(rng.random(n_spells) < 0.02, "regular_attender",
                                           np.where(los == 0, "day_case", "ordinary")),
        "primary_diagnosis_group": GROUPS["group_id"].to_numpy()[group],
        "n_secondary_diagnoses": charlson + rng.poisson(2, n_spells), "charlson_score": charlson,
        "palliative_care": palliative, "birthweight_g": pd.array(bw, dtype="Int64"),
        "died_in_hospital": in_hosp, "date_of_death": death, "synthetic_true_risk": risk,
    })
    # A patient has no spell after death: drop spells admitted after an earlier spell's death.
    df = df.sort_values(["patient_id", "admission_date"], kind="stable").reset_index(drop=True)
    first_death = df.groupby("patient_id")["date_of_death"].transform("min")
    df = df[first_death.isna() | (df["admission_date"] <= first_death)].copy()
    # Every spell of a patient who died carries the date of death (a patient-level fact).
    df["date_of_death"] = df.groupby("patient_id")["date_of_death"].transform("min")
    df["died_in_hospital"] = df["died_in_hospital"] & (df["date_of_death"] == df["discharge_date"])
    df.insert(0, "spell_id", np.arange(1, len(df) + 1))
    for c in ("admission_date", "discharge_date", "date_of_death"):
        df[c] = df[c].dt.date
    return df[list(ADMISSIONS.column_names)]


def breast_frame(n: int, n_trusts: int = 12, months: int = 24, seed: int = 2,
                 bad_trust: int | None = None) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    trust = rng.integers(0, n_trusts, n)
    age = np.clip(rng.normal(58, 12, n).round(), 18, 95).astype(int)
    asa = rng.choice([1, 2, 3, 4], n, p=[0.3, 0.5, 0.17, 0.03])
    bmi = np.clip(rng.normal(28, 5, n), 15, 60).round(1)
    smoker = rng.random(n) < 0.15
    diabetes = rng.random(n) < 0.1
    ibr = rng.random(n) < 0.25
    rtype = np.where(ibr, rng.choice(["implant", "pedicled_flap", "free_flap"], n), "none")
    eta = -2.0 + 0.3 * (asa - 1) + 0.05 * (bmi - 28) + 0.5 * smoker + 0.3 * diabetes + 0.8 * ibr
    if bad_trust is not None:
        eta = eta + np.where((trust == bad_trust) & ibr, np.log(3.0), 0)
    risk = expit(eta)
    comp = rng.random(n) < risk
    rtt = comp & (rng.random(n) < 0.4)
    return pd.DataFrame({
        "procedure_id": np.arange(1, n + 1), "patient_id": rng.integers(1, 10 * n, n),
        "org_code": [f"ZT{i + 1:03d}" for i in trust],
        "procedure_date": (START + pd.to_timedelta(rng.integers(0, months * 30, n), unit="D")).date,
        "age": age, "asa_grade": asa, "bmi": bmi, "smoker": smoker, "diabetes": diabetes,
        "immediate_reconstruction": ibr, "reconstruction_type": rtype, "complication_3m": comp,
        "return_to_theatre_3m": rtt, "synthetic_true_complication_risk": risk,
    })[list(BREAST_SURGERY.column_names)]


def write_world(out: Path, n_spells: int = 20_000, n_trusts: int = 12, months: int = 24, seed: int = 1,
                quality: dict[int, float] | None = None, n_breast: int = 3000) -> Path:
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    admissions_frame(n_spells, n_trusts, months, seed, quality).to_parquet(out / "admissions.parquet")
    breast_frame(n_breast, n_trusts, months, seed + 1).to_parquet(out / "breast_surgery.parquet")
    GROUPS.to_csv(out / "diagnosis_groups.csv", index=False)
    orgs_frame(n_trusts).to_csv(out / "organisations.csv", index=False)
    return out

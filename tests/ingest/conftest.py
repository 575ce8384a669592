"""A tiny hand-made world of source files, built from the schemas, for the ingest tests.

Three fictional trusts over two months (2024-01, 2024-02), every source present and valid, small enough
that each expected number can be worked out by hand. Tests copy it and break one thing at a time.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from caresignal.domain.sources import SOURCES

D = dt.date
ORG_CODES = ("ZA1", "ZB2", "ZC3")


def organisations():
    return [dict(org_code=c, org_name=f"{c} Fictional NHS Trust", region="London", icb="ICB Fictional",
                 trust_type="acute_medium", teaching=0, beds=500 + 100 * i, cancer_network="Net Fictional",
                 synthetic=1) for i, c in enumerate(ORG_CODES)]


def small_sources() -> dict[str, list[dict]]:
    months = ("2024-01", "2024-02")
    rows: dict[str, list[dict]] = {
        "organisations": organisations(),
        "diagnosis_groups": [dict(group_id=1, group_name="Pneumonia", chapter="J", symptom_group=0,
                                  perinatal_group=0),
                             dict(group_id=2, group_name="Chest pain", chapter="R", symptom_group=1,
                                  perinatal_group=0)],
        "ae_monthly": [dict(org_code=c, month=m, attendances_type1=1000 + 10 * i, breaches_type1=100 + i,
                            attendances_other=500, breaches_other=10, emergency_admissions_via_ae=200,
                            waits_over_12h=20 + i)
                       for i, (c, m) in enumerate((c, m) for c in ORG_CODES for m in months)],
        "rtt_monthly": [dict(org_code=c, month=m, specialty=s, incomplete_pathways=1000, within_18_weeks=600,
                             over_52_weeks=30, harm_reviews_due=30, harm_reviews_done=20, harm_found=1)
                        for c in ORG_CODES for m in months for s in ("urology", "ent")],
        "diagnostics_monthly": [dict(org_code=c, month=m, modality=mod, waiting_list=400, waiting_over_6_weeks=40,
                                     tests_reported=900, median_report_days=3.5 if mod == "mri" else 2.0,
                                     reported_over_28_days=9)
                                for c in ORG_CODES for m in months for mod in ("mri", "ct")],
        "admin_backlog_monthly": [dict(org_code=c, month=m, referrals_received=2000, referrals_not_booked=50,
                                       letters_not_sent=120) for c in ORG_CODES for m in months],
        "never_events": [dict(event_id="NE1", org_code="ZA1", event_date=D(2024, 1, 9),
                              reported_date=D(2024, 1, 10), category="wrong_site_surgery",
                              service="general_surgery", description="Wrong site, text, \"quoted\""),
                         dict(event_id="NE2", org_code="ZB2", event_date=D(2024, 2, 3),
                              reported_date=D(2024, 2, 4), category="other", service="maternity",
                              description="Line one\nline two of a multi-line note")],
        "incidents_monthly": [dict(org_code=c, month=m, no_harm=300, low_harm=80, moderate_harm=15,
                                   severe_harm=4, death=1, occupied_bed_days=15000)
                              for c in ORG_CODES for m in months],
        "safety_alerts": [dict(alert_id="NatPSA/2024/001/NHSPS", title="Oxygen cylinders",
                               issued_date=D(2024, 1, 2), deadline_date=D(2024, 2, 20))],
        "safety_alert_compliance": [dict(alert_id="NatPSA/2024/001/NHSPS", org_code=c,
                                         deadline_date=D(2024, 2, 20),
                                         completed_date=D(2024, 2, 1) if c != "ZC3" else None)
                                    for c in ORG_CODES],
        "complaints": [dict(complaint_id=f"C{i}", org_code=ORG_CODES[i % 3], received_date=D(2024, 1 + i % 2, 5),
                            service="elderly_care", text="Nobody helped my mother drink.",
                            acknowledged_date=D(2024, 1 + i % 2, 6), responded_date=D(2024, 1 + i % 2, 25),
                            outcome="upheld" if i % 2 else "not_upheld") for i in range(6)],
        "gp_concerns": [dict(concern_id=f"G{i}", practice_code="Y12345", org_code="ZA1",
                             raised_date=D(2024, 2, 1 + i), category="lost_referral", text="Referral lost.")
                        for i in range(2)],
        "staff_survey": [dict(org_code=c, survey_year=2023, responses=800, engagement=6.8, morale=5.9,
                              raising_concerns=6.3, burnout=4.9, negative_experiences=8.1, recommend_care=62.5)
                         for c in ORG_CODES],
        "peer_reviews": [dict(review_id="PR1", org_code="ZB2", service="breast_cancer", review_date=D(2024, 1, 15),
                              findings="Not compliant with most measures.", serious_concern=1)],
        "peer_review_measures": [dict(review_id="PR1", org_code="ZB2", review_date=D(2024, 1, 15),
                                      measure_id=f"11-2I-10{i}", measure="MDT meets weekly",
                                      self_assessed_compliant=1, peer_review_compliant=int(i == 0))
                                 for i in range(4)],
        "information_requests": [dict(request_id="IR1", org_code="ZA1", commissioner="ICB Fictional",
                                      subject="Waiting list validation", sent_date=D(2024, 1, 3),
                                      due_date=D(2024, 1, 17), answered_date=None)],
    }
    return rows


def admissions() -> pa.Table:
    """Eight spells: two patients readmitted, one death in hospital, one after discharge."""
    spells = [
        # spell, patient, org, admit, discharge, method, class, died, death date
        (1, 101, "ZA1", D(2024, 1, 1), D(2024, 1, 5), "emergency", "ordinary", False, None),
        (2, 101, "ZA1", D(2024, 1, 20), D(2024, 1, 25), "emergency", "ordinary", False, D(2024, 2, 10)),
        (3, 102, "ZA1", D(2024, 1, 3), D(2024, 1, 4), "elective", "day_case", False, None),
        (4, 103, "ZB2", D(2024, 1, 7), D(2024, 1, 9), "emergency", "ordinary", True, D(2024, 1, 9)),
        (5, 104, "ZB2", D(2024, 1, 10), D(2024, 1, 30), "elective", "ordinary", False, None),
        (6, 104, "ZC3", D(2024, 2, 15), D(2024, 2, 18), "emergency", "ordinary", False, None),
        (7, 105, "ZC3", D(2024, 2, 1), D(2024, 2, 3), "emergency", "ordinary", False, None),
        (8, 106, "ZA1", D(2024, 2, 2), D(2024, 2, 6), "maternity", "ordinary", False, None),
    ]
    cols = list(zip(*spells))
    n = len(spells)
    return pa.table({
        "spell_id": pa.array(cols[0], pa.int64()), "patient_id": pa.array(cols[1], pa.int64()),
        "org_code": pa.array(cols[2]), "admission_date": pa.array(cols[3], pa.date32()),
        "discharge_date": pa.array(cols[4], pa.date32()), "age": pa.array([70] * n, pa.int64()),
        "sex": pa.array(["F", "M"] * (n // 2)), "deprivation_decile": pa.array([5] * n, pa.int64()),
        "admission_method": pa.array(cols[5]), "admission_source": pa.array(["usual_residence"] * n),
        "patient_classification": pa.array(cols[6]),
        "primary_diagnosis_group": pa.array([1, 2] * (n // 2), pa.int64()),
        "n_secondary_diagnoses": pa.array([2] * n, pa.int64()),
        "charlson_score": pa.array([i % 3 for i in range(n)], pa.int64()),
        "palliative_care": pa.array([i == 3 for i in range(n)]),
        "birthweight_g": pa.array([None] * n, pa.int64()), "died_in_hospital": pa.array(cols[7]),
        "date_of_death": pa.array(cols[8], pa.date32()),
        "synthetic_true_risk": pa.array([0.05] * n, pa.float64()),
    })


def breast_surgery() -> pa.Table:
    n = 4
    return pa.table({
        "procedure_id": pa.array(range(1, n + 1), pa.int64()), "patient_id": pa.array(range(11, 11 + n), pa.int64()),
        "org_code": pa.array(["ZB2"] * n), "procedure_date": pa.array([D(2024, 1, 10 + i) for i in range(n)], pa.date32()),
        "age": pa.array([55] * n, pa.int64()), "asa_grade": pa.array([2] * n, pa.int64()),
        "bmi": pa.array([27.5] * n), "smoker": pa.array([False] * n), "diabetes": pa.array([False] * n),
        "immediate_reconstruction": pa.array([True, True, True, False]),
        "reconstruction_type": pa.array(["implant", "implant", "free_flap", "none"]),
        "complication_3m": pa.array([True, False, True, False]),
        "return_to_theatre_3m": pa.array([True, False, False, False]),
        "synthetic_true_complication_risk": pa.array([0.2] * n),
    })


def fft() -> pa.Table:
    scores = ["very_good", "good", "poor", "dont_know", "very_good", "neither"]
    n = len(scores)
    return pa.table({
        "response_id": pa.array(range(1, n + 1), pa.int64()), "org_code": pa.array(["ZA1"] * 4 + ["ZB2"] * 2),
        "response_date": pa.array([D(2024, 1, 5)] * n, pa.date32()), "service": pa.array(["inpatient"] * n),
        "score": pa.array(scores), "comment": pa.array(["Kind staff", None] * 3),
    })


def write_csv(path: Path, rows: list[dict], columns: list[str] | None = None) -> Path:
    columns = columns or list(rows[0])
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(columns)
        for r in rows:
            w.writerow(["" if r.get(c) is None else r.get(c) for c in columns])
    return path


def write_world(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in small_sources().items():
        write_csv(folder / SOURCES[name].file, rows, list(SOURCES[name].column_names))
    pq.write_table(admissions(), folder / "admissions.parquet")
    pq.write_table(breast_surgery(), folder / "breast_surgery.parquet")
    pq.write_table(fft(), folder / "fft_responses.parquet")
    return folder


@pytest.fixture
def world(tmp_path) -> Path:
    """A directory with every source file, valid."""
    return write_world(tmp_path / "world")


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'store' / 'caresignal.db'}"

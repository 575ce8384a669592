"""Cohort rules on hand-made spells, on every backend: SHMI inclusion and deaths, readmissions, windows."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from caresignal.domain.sources import ADMISSIONS
from caresignal.engine import cohort, readmissions
from caresignal.engine.covariates import AGE_GROUP, BIRTHWEIGHT_GROUP, CHARLSON_GROUP, PatternSpec, SEX

D = dt.date


def spell(spell_id, patient_id, adm, dis, **kw):
    row = {"spell_id": spell_id, "patient_id": patient_id, "org_code": "ZT001", "admission_date": adm,
           "discharge_date": dis, "age": 70, "sex": "M", "deprivation_decile": 5,
           "admission_method": "emergency", "admission_source": "usual_residence",
           "patient_classification": "ordinary", "primary_diagnosis_group": 1, "n_secondary_diagnoses": 2,
           "charlson_score": 1, "palliative_care": False, "birthweight_g": None, "died_in_hospital": False,
           "date_of_death": None, "synthetic_true_risk": 0.1}
    row.update(kw)
    return row


def table(con, tmp_path, rows, name="admissions.parquet"):
    frame = pd.DataFrame(rows)[list(ADMISSIONS.column_names)]
    frame["birthweight_g"] = frame["birthweight_g"].astype("Int64")
    schema = pa.Schema.from_pandas(frame, preserve_index=False)
    for c in ("admission_date", "discharge_date", "date_of_death"):
        schema = schema.set(schema.get_field_index(c), pa.field(c, pa.date32()))
    schema = schema.set(schema.get_field_index("synthetic_true_risk"), pa.field("synthetic_true_risk",
                                                                                pa.float64()))
    path = tmp_path / name
    pq.write_table(pa.Table.from_pandas(frame, schema=schema, preserve_index=False), path)
    return con.read_parquet(str(path))


def by_spell(expr):
    return expr.execute().set_index("spell_id").sort_index()


def test_shmi_death_within_30_days_counted_once_on_the_last_spell(con, tmp_path):
    rows = [
        spell(1, 10, D(2023, 1, 1), D(2023, 1, 5), date_of_death=D(2023, 2, 1)),   # earlier spell
        spell(2, 10, D(2023, 1, 20), D(2023, 1, 25), date_of_death=D(2023, 2, 1)),  # last: the death
        spell(3, 11, D(2023, 1, 1), D(2023, 1, 10), date_of_death=D(2023, 2, 9)),   # day 30: counts
        spell(4, 12, D(2023, 1, 1), D(2023, 1, 10), date_of_death=D(2023, 2, 10)),  # day 31: not
        spell(5, 13, D(2023, 1, 1), D(2023, 1, 3), died_in_hospital=True, date_of_death=D(2023, 1, 3)),
        spell(6, 14, D(2023, 1, 1), D(2023, 1, 3)),
        spell(7, 15, D(2023, 1, 1), D(2023, 1, 1), patient_classification="regular_attender"),
        spell(8, 16, D(2023, 1, 1), D(2023, 1, 2), org_code="ZSPEC"),
    ]
    out = by_spell(cohort.shmi_cohort(table(con, tmp_path, rows), specialist_orgs=["ZSPEC"]))
    assert out.index.tolist() == [1, 2, 3, 4, 5, 6]  # regular attender and specialist trust excluded
    assert out["died"].to_dict() == {1: 0, 2: 1, 3: 1, 4: 0, 5: 1, 6: 0}
    assert out.loc[1, "month_index"] == 2023 * 12


def test_birthweight_only_enters_perinatal_groups(con, tmp_path):
    rows = [spell(1, 1, D(2023, 1, 1), D(2023, 1, 2), age=0, primary_diagnosis_group=6, birthweight_g=900),
            spell(2, 2, D(2023, 1, 1), D(2023, 1, 2), primary_diagnosis_group=1, birthweight_g=900)]
    t = cohort.shmi_cohort(table(con, tmp_path, rows), perinatal_groups=[6])
    out = by_spell(t.mutate(bw=BIRTHWEIGHT_GROUP.expr(t), age_group=AGE_GROUP.expr(t)))
    assert out["bw"].tolist() == [3, 0]  # 750-999 g for the perinatal group; "missing" elsewhere
    assert out["age_group"].tolist() == [0, 15]  # <1 and 70-74


def test_pattern_key_decodes_back_to_the_codes(con, tmp_path):
    rows = [spell(i, i, D(2023, 1, 1), D(2023, 1, 2), age=a, sex=s, charlson_score=c, primary_diagnosis_group=g)
            for i, (a, s, c, g) in enumerate([(0, "M", 0, 1), (4, "F", 3, 2), (95, "F", 12, 7), (67, "M", 7, 3)],
                                             start=1)]
    spec = PatternSpec((AGE_GROUP, SEX, CHARLSON_GROUP), 8)
    t = cohort.shmi_cohort(table(con, tmp_path, rows))
    out = by_spell(t.mutate(pattern=spec.key(t, t.group)))
    group, codes = spec.decode(out["pattern"].to_numpy())
    assert group.tolist() == [1, 2, 7, 3]
    assert codes.tolist() == [[0, 0, 0], [1, 1, 3], [19, 1, 7], [14, 0, 6]]
    assert spec.encode(group, codes).tolist() == out["pattern"].tolist()


def test_readmission_is_the_next_emergency_admission_within_0_to_29_days(con, tmp_path):
    rows = [
        spell(1, 1, D(2023, 1, 1), D(2023, 1, 5)),
        spell(2, 1, D(2023, 1, 10), D(2023, 1, 12), admission_method="elective"),  # elective: not a readmission
        spell(3, 1, D(2023, 2, 3), D(2023, 2, 4)),  # emergency 29 days after spell 1: readmits spell 1 and 2
        spell(4, 2, D(2023, 1, 1), D(2023, 1, 5)),
        spell(5, 2, D(2023, 2, 4), D(2023, 2, 6), org_code="ZT002"),  # 30 days later: not within 30
        spell(6, 3, D(2023, 1, 1), D(2023, 1, 5), died_in_hospital=True, date_of_death=D(2023, 1, 5)),
        spell(7, 4, D(2023, 1, 1), D(2023, 1, 5), admission_method="maternity"),
        spell(8, 4, D(2023, 1, 8), D(2023, 1, 9)),
        spell(9, 5, D(2023, 1, 1), D(2023, 1, 5), primary_diagnosis_group=4),  # chemotherapy group
        spell(10, 5, D(2023, 1, 8), D(2023, 1, 9)),
        spell(11, 6, D(2023, 3, 20), D(2023, 3, 21)),  # discharged too close to the cut-off
    ]
    cutoff = (D(2023, 3, 31) - D(1970, 1, 1)).days
    out = by_spell(readmissions.readmission_spells(table(con, tmp_path, rows), excluded_groups=[4],
                                                   cutoff_epoch_day=cutoff))
    assert out.index.tolist() == [1, 2, 3, 4, 5, 8, 10]
    assert out["readmitted"].to_dict() == {1: 1, 2: 1, 3: 0, 4: 0, 5: 0, 8: 0, 10: 0}
    assert out.loc[1, "los"] == 4


def test_window_and_maturity(con, tmp_path):
    rows = [spell(i, i, D(2023, m, 1), D(2023, m, 20)) for i, m in enumerate(range(1, 13), start=1)]
    t = cohort.shmi_cohort(table(con, tmp_path, rows))
    last = cohort.parse_month("2023-12")
    w = by_spell(cohort.window(t, last, 3))
    assert w.index.tolist() == [10, 11, 12]
    assert w["months_before"].tolist() == [2, 1, 0]
    m = by_spell(cohort.mature(t, "discharge_date", cohort.month_end_epoch_day(last), 30))
    assert m.index.max() == 11  # 20 December + 30 days is after 31 December


def test_month_helpers():
    assert cohort.format_month(cohort.parse_month("2024-02")) == "2024-02"
    assert cohort.month_end_epoch_day(cohort.parse_month("2024-02")) == (D(2024, 2, 29) - D(1970, 1, 1)).days
    assert np.int64(cohort.parse_month("2023-04")) == 2023 * 12 + 3

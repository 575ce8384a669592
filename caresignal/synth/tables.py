"""Arrow tables for the Parquet sources, shaped exactly as ``caresignal.domain.sources`` says.

Low-cardinality strings are dictionary-encoded in memory and written with ``store_schema=False``, so
readers see plain ``string`` columns while the file keeps Parquet dictionary pages. Integer columns use
the narrowest signed type that holds their range (the schema type ``int`` means any signed integer).
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from caresignal.domain.sources import (ADMISSION_METHODS, ADMISSION_SOURCES, ADMISSIONS, BREAST_SURGERY,
                                       PATIENT_CLASSES, RECONSTRUCTION_TYPES)

ADMISSIONS_SCHEMA = pa.schema([
    ("spell_id", pa.int64()), ("patient_id", pa.int64()), ("org_code", pa.dictionary(pa.int16(), pa.string())),
    ("admission_date", pa.date32()), ("discharge_date", pa.date32()), ("age", pa.int16()),
    ("sex", pa.dictionary(pa.int8(), pa.string())), ("deprivation_decile", pa.int8()),
    ("admission_method", pa.dictionary(pa.int8(), pa.string())),
    ("admission_source", pa.dictionary(pa.int8(), pa.string())),
    ("patient_classification", pa.dictionary(pa.int8(), pa.string())),
    ("primary_diagnosis_group", pa.int16()), ("n_secondary_diagnoses", pa.int16()),
    ("charlson_score", pa.int16()), ("palliative_care", pa.bool_()), ("birthweight_g", pa.int16()),
    ("died_in_hospital", pa.bool_()), ("date_of_death", pa.date32()), ("synthetic_true_risk", pa.float32()),
])
BREAST_SCHEMA = pa.schema([
    ("procedure_id", pa.int64()), ("patient_id", pa.int64()),
    ("org_code", pa.dictionary(pa.int16(), pa.string())), ("procedure_date", pa.date32()),
    ("age", pa.int16()), ("asa_grade", pa.int8()), ("bmi", pa.float32()), ("smoker", pa.bool_()),
    ("diabetes", pa.bool_()), ("immediate_reconstruction", pa.bool_()),
    ("reconstruction_type", pa.dictionary(pa.int8(), pa.string())), ("complication_3m", pa.bool_()),
    ("return_to_theatre_3m", pa.bool_()), ("synthetic_true_complication_risk", pa.float32()),
])
assert tuple(ADMISSIONS_SCHEMA.names) == ADMISSIONS.column_names
assert tuple(BREAST_SCHEMA.names) == BREAST_SURGERY.column_names

_SEX = pa.array(["F", "M"])
_METHODS = pa.array(list(ADMISSION_METHODS))
_SOURCES = pa.array(list(ADMISSION_SOURCES))
_CLASSES = pa.array(list(PATIENT_CLASSES))
_RECON = pa.array(list(RECONSTRUCTION_TYPES))


def _dict(indices: np.ndarray, dictionary: pa.Array, index_type) -> pa.DictionaryArray:
    return pa.DictionaryArray.from_arrays(pa.array(indices, type=index_type), dictionary)


def _date(days: np.ndarray, mask: np.ndarray | None = None) -> pa.Array:
    return pa.array(days.astype(np.int32), type=pa.int32(), mask=mask).cast(pa.date32())


def admissions_table(a: dict[str, np.ndarray], org_pos: np.ndarray, org_codes: pa.Array, epoch_day0: int,
                     spell_id0: int, patient_id0: int) -> pa.Table:
    """One row group of admissions from the arrays of :func:`caresignal.synth.admissions.trust_spells`."""
    n = a["day"].size
    no_death = a["death_day"] == np.iinfo(np.int32).min
    cols = [
        pa.array(np.arange(spell_id0, spell_id0 + n, dtype=np.int64)),
        pa.array(a["patient"] + patient_id0),
        _dict(org_pos.astype(np.int16), org_codes, pa.int16()),
        _date(a["day"] + epoch_day0), _date(a["discharge"] + epoch_day0),
        pa.array(a["age"], type=pa.int16()),
        _dict(a["male"].astype(np.int8), _SEX, pa.int8()),
        pa.array(a["decile"], type=pa.int8()),
        _dict(a["method"], _METHODS, pa.int8()), _dict(a["source"], _SOURCES, pa.int8()),
        _dict(a["cls"], _CLASSES, pa.int8()),
        pa.array((a["group"] + 1).astype(np.int16)),
        pa.array(a["n_sec_rec"], type=pa.int16()), pa.array(a["charlson_rec"], type=pa.int16()),
        pa.array(a["palliative"]),
        pa.array(a["bw"], type=pa.int16(), mask=a["bw"] < 0),
        pa.array(a["in_hosp"]),
        _date(np.where(no_death, 0, a["death_day"] + epoch_day0), mask=no_death),
        pa.array(a["risk"], type=pa.float32()),
    ]
    return pa.Table.from_arrays(cols, schema=ADMISSIONS_SCHEMA)


def breast_table(b: dict[str, np.ndarray], org_pos: np.ndarray, org_codes: pa.Array, epoch_day0: int,
                 procedure_id0: int) -> pa.Table:
    n = b["day"].size
    ids = np.arange(procedure_id0, procedure_id0 + n, dtype=np.int64)
    cols = [
        pa.array(ids), pa.array(ids),  # one mastectomy per patient in the window (bilateral ones are one row)
        _dict(org_pos.astype(np.int16), org_codes, pa.int16()), _date(b["day"] + epoch_day0),
        pa.array(b["age"], type=pa.int16()), pa.array(b["asa"], type=pa.int8()),
        pa.array(b["bmi"], type=pa.float32()), pa.array(b["smoker"]), pa.array(b["diabetes"]),
        pa.array(b["ibr"]), _dict(b["rtype"], _RECON, pa.int8()), pa.array(b["complication"]),
        pa.array(b["rtt"]), pa.array(b["risk"], type=pa.float32()),
    ]
    return pa.Table.from_arrays(cols, schema=BREAST_SCHEMA)

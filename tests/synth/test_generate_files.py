"""generate_england: byte-identical output per seed, every file matches its schema in sources.py."""

from __future__ import annotations

import hashlib
import json
import re

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from caresignal.domain.sources import GROUND_TRUTH_FILE, SOURCES, SOURCES_BY_FILE, Source
from caresignal.synth.generate import generate_england

SMALL = dict(trusts=12, months=6, start="2024-01", scale=0.003)
OURS = ("organisations.csv", "diagnosis_groups.csv", "admissions.parquet", "breast_surgery.parquet")


def _digests(directory) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(directory.iterdir())}


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    out = tmp_path_factory.mktemp("england")
    summary = generate_england(out, seed=7, workers=1, **SMALL)
    return out, summary


def test_same_seed_gives_identical_bytes_whatever_the_workers(generated, tmp_path):
    out, _ = generated
    again = tmp_path / "again"
    generate_england(again, seed=7, workers=2, **SMALL)
    assert _digests(again) == _digests(out)


def test_different_seed_gives_different_files(generated, tmp_path):
    out, _ = generated
    other = tmp_path / "other"
    generate_england(other, seed=8, workers=1, **SMALL)
    a, b = _digests(out), _digests(other)
    for name in OURS:
        if name != "diagnosis_groups.csv":  # a fixed lookup, the same for every seed
            assert a[name] != b[name], name


def test_summary_counts_rows_of_every_file(generated):
    out, summary = generated
    for name in OURS:
        assert summary.rows[name] > 0
    assert summary.rows["admissions.parquet"] == pq.ParquetFile(out / "admissions.parquet").metadata.num_rows
    assert "admissions.parquet" in summary.summary() and "planted scenarios" in summary.summary()


def test_ground_truth_is_shaped_as_the_issue_says(generated):
    out, _ = generated
    truth = json.loads((out / GROUND_TRUTH_FILE).read_text())
    assert set(truth) == {"seed", "start", "months", "scenarios"}
    assert truth["seed"] == 7 and truth["start"] == "2024-01" and truth["months"] == 6
    codes = set(pd.read_csv(out / "organisations.csv")["org_code"])
    for s in truth["scenarios"]:
        assert set(s) == {"id", "kind", "org_code", "service", "onset_month", "sources", "effect"}
        assert s["org_code"] in codes and set(s["sources"]) <= set(SOURCES)


# ---------------------------------------------------------------------------- schema conformance
_CSV_PATTERNS = {"int": r"-?\d+", "float": r"-?\d+(\.\d+)?([eE][-+]?\d+)?", "bool": r"[01]",
                 "date": r"\d{4}-\d{2}-\d{2}", "month": r"\d{4}-(0[1-9]|1[0-2])", "str": r"(?s).*"}


def check_csv(path, source: Source) -> None:
    df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    assert tuple(df.columns) == source.column_names, path.name
    assert len(df) > 0, f"{path.name} is empty"
    for col in source.columns:
        values = df[col.name]
        missing = values == ""
        assert col.nullable or not missing.any(), f"{path.name}: {col.name} has missing values"
        present = values[~missing]
        ok = present.str.fullmatch(_CSV_PATTERNS[col.type])
        assert ok.all(), f"{path.name}: {col.name} has {present[~ok].iloc[0]!r}, not a {col.type}"
        if col.type == "date":
            pd.to_datetime(present, format="%Y-%m-%d")  # raises on 2023-02-30
        if col.allowed is not None:
            assert set(present) <= set(col.allowed), f"{path.name}: {col.name}"
        if col.pattern is not None:
            assert present.str.fullmatch(col.pattern).all(), f"{path.name}: {col.name} pattern"
        if col.type in ("int", "float") and len(present):
            numbers = present.astype(float)
            assert col.minimum is None or numbers.min() >= col.minimum, f"{path.name}: {col.name} < min"
            assert col.maximum is None or numbers.max() <= col.maximum, f"{path.name}: {col.name} > max"


_ARROW_TYPE = {"int": pa.types.is_signed_integer, "float": pa.types.is_floating, "bool": pa.types.is_boolean,
               "date": pa.types.is_date32, "str": lambda t: pa.types.is_string(t) or pa.types.is_large_string(t),
               "month": pa.types.is_string}


def check_parquet(path, source: Source) -> None:
    table = pq.read_table(path)
    assert tuple(table.column_names) == source.column_names, path.name
    assert table.num_rows > 0
    for col in source.columns:
        arr = table.column(col.name)
        assert _ARROW_TYPE[col.type](arr.type), f"{path.name}: {col.name} is {arr.type}, not {col.type}"
        assert col.nullable or arr.null_count == 0, f"{path.name}: {col.name} has nulls"
        if col.allowed is not None or col.pattern is not None:
            values = set(pc.unique(arr).drop_null().to_pylist())
            if col.allowed is not None:
                assert values <= set(col.allowed), f"{path.name}: {col.name} {values - set(col.allowed)}"
            if col.pattern is not None:
                assert all(re.fullmatch(col.pattern, v) for v in values), f"{path.name}: {col.name}"
        if col.type in ("int", "float") and arr.length() > arr.null_count:
            mm = pc.min_max(arr).as_py()
            assert col.minimum is None or mm["min"] >= col.minimum, f"{path.name}: {col.name} {mm}"
            assert col.maximum is None or mm["max"] <= col.maximum, f"{path.name}: {col.name} {mm}"
    key = table.select(list(source.key)).to_pandas()
    assert not key.duplicated().any(), f"{path.name}: key {source.key} not unique"


def test_every_file_matches_its_schema(generated):
    out, _ = generated
    checked = []
    for path in sorted(out.iterdir()):
        if path.name == GROUND_TRUTH_FILE:
            continue
        assert path.name in SOURCES_BY_FILE, f"unexpected file {path.name}"
        source = SOURCES_BY_FILE[path.name]
        (check_csv if source.format == "csv" else check_parquet)(path, source)
        checked.append(path.name)
    assert set(OURS) <= set(checked)


def test_org_codes_in_every_file_are_known(generated):
    out, _ = generated
    codes = set(pd.read_csv(out / "organisations.csv")["org_code"])
    for name in ("admissions.parquet", "breast_surgery.parquet"):
        assert set(pq.read_table(out / name, columns=["org_code"]).column(0).to_pylist()) <= codes

"""Every ingest failure mode with its message: rejected files, quarantined rows, atomic rollbacks."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from caresignal.cli import app
from caresignal.domain.errors import CareSignalError
from caresignal.ingest.load import load_directory
from caresignal.store import Store

BASE = ("organisations.csv", "diagnosis_groups.csv")


def subset(world: Path, dest: Path, *names: str) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    for name in (*BASE, *names):
        shutil.copy(world / name, dest / name)
    return dest


def edit_csv(path: Path, line: int, old: str, new: str) -> None:
    """Replace ``old`` by ``new`` on physical line ``line`` (1 = header)."""
    lines = path.read_text(encoding="utf-8").split("\n")
    assert old in lines[line - 1], lines[line - 1]
    lines[line - 1] = lines[line - 1].replace(old, new, 1)
    path.write_text("\n".join(lines), encoding="utf-8")


def load(folder: Path, tmp_path: Path, url: str | None = None):
    url = url or f"sqlite:///{tmp_path / 'store' / 'caresignal.db'}"
    return load_directory(folder, url, warehouse=tmp_path / "warehouse"), Store(url, tmp_path / "warehouse")


@pytest.mark.parametrize("content, message", [
    (b"", "the file is empty (no header, no rows)"),
    (b"\n\n", "the file is empty (no header, no rows)"),
    (None, "the file has a header but no rows"),
    (b"org_code,month\nZA1,2024-01\n", "line 1: missing column(s) 'attendances_type1', 'breaches_type1'"),
    (b"org_code,month,attendances_type1,breaches_type1,attendances_other,breaches_other,"
     b"emergency_admissions_via_ae,waits_over_12h,colour\n", "unknown column(s) 'colour'"),
    (b"org_code,month,month\n", "line 1: duplicate column name(s) 'month'"),
    (b"org_code,month\nZA1,\xe9t\xe9\n", "line 2: not valid UTF-8: byte 0xe9 cannot be decoded"),
])
def test_a_badly_structured_file_is_rejected_and_the_others_load(world, tmp_path, content, message):
    folder = subset(world, tmp_path / "in", "ae_monthly.csv", "rtt_monthly.csv")
    if content is None:
        content = (world / "ae_monthly.csv").read_bytes().split(b"\n")[0] + b"\n"
    (folder / "ae_monthly.csv").write_bytes(content)
    report, store = load(folder, tmp_path)
    ae = report.by_file("ae_monthly.csv")
    assert ae.status == "rejected" and ae.message.startswith("ae_monthly.csv: ")
    assert message in ae.message
    assert not report.ok and report.by_file("rtt_monthly.csv").status == "loaded"
    assert store.source_rows("ae_monthly") == [] and len(store.source_rows("rtt_monthly")) == 12
    assert store.load_log(limit=1)[0].status in ("loaded", "rejected")
    assert any(e.status == "rejected" and message in e.message for e in store.load_log())


def test_a_column_of_the_wrong_type_rejects_the_file(world, tmp_path):
    folder = subset(world, tmp_path / "in", "staff_survey.csv")
    text = (folder / "staff_survey.csv").read_text()
    (folder / "staff_survey.csv").write_text(text.replace(",800,", ",many,"))
    report, _ = load(folder, tmp_path)
    assert report.by_file("staff_survey.csv").message == (
        "staff_survey.csv: column 'responses': wrong type: no value is a whole number (the first is 'many')")


def test_a_parquet_column_of_the_wrong_type_rejects_the_file(world, tmp_path):
    folder = subset(world, tmp_path / "in", "fft_responses.parquet")
    table = pq.read_table(folder / "fft_responses.parquet")
    ids = pa.array([float(i) + 0.5 for i in range(table.num_rows)])
    pq.write_table(table.set_column(0, "response_id", ids), folder / "fft_responses.parquet")
    report, store = load(folder, tmp_path)
    assert report.by_file("fft_responses.parquet").message == (
        "fft_responses.parquet: column 'response_id': wrong type: stored as double, expected a whole number")
    assert store.warehouse_files("fft_responses") == []


def test_unreadable_parquet_is_rejected(world, tmp_path):
    folder = subset(world, tmp_path / "in", "admissions.parquet")
    (folder / "admissions.parquet").write_bytes(b"PAR1 this is not parquet")
    report, store = load(folder, tmp_path)
    result = report.by_file("admissions.parquet")
    assert result.status == "rejected" and "not a readable Parquet file" in result.message
    assert store.warehouse_files("admissions") == []


def test_bad_rows_are_quarantined_with_line_column_and_reason(world, tmp_path):
    folder = subset(world, tmp_path / "in", "ae_monthly.csv")
    path = folder / "ae_monthly.csv"
    edit_csv(path, 2, "ZA1,2024-01,1000,", "ZA1,2024-01,ten,")          # wrong type
    edit_csv(path, 3, "ZA1,2024-02,1010,101,", "ZA1,2024-02,1010,2000,")  # breaches > attendances
    edit_csv(path, 4, "ZB2,2024-01", "ZZ9,2024-01")                      # unknown organisation
    edit_csv(path, 5, "ZB2,2024-02", "ZB2,2024-13")                      # not a month
    report, store = load(folder, tmp_path)
    result = report.by_file("ae_monthly.csv")
    assert (result.status, result.rows_read, result.rows_loaded, result.rows_quarantined) == ("loaded", 6, 2, 4)
    assert not report.ok
    found = [(q.line, q.column, q.value, q.check) for q in store.quarantine(file="ae_monthly.csv")]
    assert found == [
        (2, "attendances_type1", "ten", "wrong_type"),
        (3, "breaches_type1", "attendances_type1=1010, breaches_type1=2000", "breaches_over_attendances"),
        (4, "org_code", "ZZ9", "unknown_reference"),
        (5, "month", "2024-13", "wrong_type"),
    ]
    first = store.quarantine(file="ae_monthly.csv")[0]
    assert first.row["attendances_type1"] == "ten" and first.row["org_code"] == "ZA1"
    assert str(store.quarantine(file="ae_monthly.csv")[2]) == (
        "ae_monthly.csv: column 'org_code', line 4: unknown organisation: not in organisations.csv "
        "(load it first) or the store (found 'ZZ9')")
    summary = report.summary()
    assert "ae_monthly.csv: column 'attendances_type1', line 2: is not a whole number (found 'ten')" in summary
    assert "NOT OK" in summary
    assert {r["org_code"] + r["month"] for r in store.source_rows("ae_monthly")} == {"ZC32024-01", "ZC32024-02"}


@pytest.mark.parametrize("line, old, new, check, column", [
    (2, "2024-01-09,2024-01-10", "2024-01-09,2024-01-08", "reported_before_event", "reported_date"),
    (2, "2024-01-09", "2024-02-30", "bad_date", "event_date"),
    (2, "wrong_site_surgery", "wrong_everything", "value_not_allowed", "category"),
    (2, "NE1,", ",", "missing_value", "event_id"),
])
def test_each_row_problem_is_named(world, tmp_path, line, old, new, check, column):
    folder = subset(world, tmp_path / "in", "never_events.csv")
    edit_csv(folder / "never_events.csv", line, old, new)
    report, store = load(folder, tmp_path)
    (problem,) = store.quarantine()
    assert (problem.line, problem.column, problem.check) == (line, column, check)
    assert report.by_file("never_events.csv").rows_loaded == 1


def test_line_numbers_count_physical_lines_of_multi_line_cells(world, tmp_path):
    """never_events.csv row 2 has a quoted description over two lines, so row 3 starts on line 5."""
    folder = subset(world, tmp_path / "in", "never_events.csv")
    path = folder / "never_events.csv"
    path.write_text(path.read_text() + "NE3,ZC3,2024-02-30,2024-03-01,other,maternity,x\n")
    _, store = load(folder, tmp_path)
    (problem,) = store.quarantine()
    assert (problem.line, problem.column, problem.check) == (5, "event_date", "bad_date")


def test_rows_with_the_wrong_number_of_fields_are_quarantined(world, tmp_path):
    folder = subset(world, tmp_path / "in", "admin_backlog_monthly.csv")
    path = folder / "admin_backlog_monthly.csv"
    edit_csv(path, 3, ",120", ",120,7")
    report, store = load(folder, tmp_path)
    (problem,) = store.quarantine()
    assert (problem.line, problem.check, problem.reason) == (3, "field_count", "has 6 fields but the header has 5")
    assert report.by_file("admin_backlog_monthly.csv").rows_loaded == 5


def test_duplicate_keys_quarantine_the_later_rows(world, tmp_path):
    folder = subset(world, tmp_path / "in", "incidents_monthly.csv")
    path = folder / "incidents_monthly.csv"
    edit_csv(path, 3, "ZA1,2024-02", "ZA1,2024-01")
    _, store = load(folder, tmp_path)
    (problem,) = store.quarantine()
    assert (problem.line, problem.reason) == (3, "duplicate key (org_code, month): first on line 2")


def test_parquet_line_is_row_number_plus_one(world, tmp_path):
    """The first Parquet row is line 2, as if the file had a CSV header."""
    folder = subset(world, tmp_path / "in", "breast_surgery.parquet")
    table = pq.read_table(folder / "breast_surgery.parquet")
    ages = table.column("age").to_pylist()
    ages[2] = 7  # third row: below the minimum 16
    table = table.set_column(table.schema.get_field_index("age"), "age", pa.array(ages, pa.int64()))
    pq.write_table(table, folder / "breast_surgery.parquet")
    report, store = load(folder, tmp_path)
    (problem,) = store.quarantine()
    assert (problem.line, problem.column, problem.value, problem.reason) == (4, "age", "7", "is below the minimum 16")
    assert report.by_file("breast_surgery.parquet").rows_loaded == 3
    assert sum(pq.read_metadata(p).num_rows for p in store.warehouse_files("breast_surgery")) == 3


def test_rows_of_unknown_organisations_are_quarantined_when_organisations_are_missing(world, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(world / "gp_concerns.csv", folder / "gp_concerns.csv")
    report, store = load(folder, tmp_path)
    assert report.by_file("gp_concerns.csv").rows_quarantined == 2
    assert {q.reason for q in store.quarantine()} == {
        "unknown organisation: not in organisations.csv (load it first) or the store"}


def test_a_failure_half_way_leaves_the_store_unchanged(world, tmp_path):
    """A constraint violation on the 4th row inserted aborts the file: no rows, no log of success."""
    folder = subset(world, tmp_path / "in", "ae_monthly.csv")
    report, store = load(folder, tmp_path)
    before = (store.source_rows("ae_monthly"), store.latest_observations())
    db = tmp_path / "store" / "caresignal.db"
    with sqlite3.connect(db) as con:
        con.execute("CREATE TRIGGER boom BEFORE INSERT ON src_ae_monthly WHEN NEW.line = 4 "
                    "BEGIN SELECT RAISE(ABORT, 'injected failure on line 4'); END")
    edit_csv(folder / "ae_monthly.csv", 2, ",500,10,", ",500,11,")  # a new version
    report, store = load(folder, tmp_path)
    result = report.by_file("ae_monthly.csv")
    assert result.status == "failed" and "injected failure on line 4" in result.message
    assert (store.source_rows("ae_monthly"), store.latest_observations()) == before
    assert store.load_log(limit=1)[0].status == "failed"


def test_a_failure_in_the_derive_step_leaves_the_warehouse_unchanged(world, tmp_path):
    folder = subset(world, tmp_path / "in", "admissions.parquet")
    load(folder, tmp_path)
    url = f"sqlite:///{tmp_path / 'store' / 'caresignal.db'}"
    store = Store(url, tmp_path / "warehouse")
    files_before = sorted(p for p in (tmp_path / "warehouse").rglob("*") if p.is_file())
    obs_before = store.latest_observations()
    registry = tmp_path / "broken.toml"
    registry.write_text(
        '[[indicator]]\nid = "broken"\nname = "Broken"\ndomain = "safe"\nsource = "admissions"\n'
        'unit = "count"\nimprovement = "decrease"\nmethod = "spc"\ndescription = "fails"\n'
        '[indicator.derive]\nperiod = "discharge_date"\nnumerator = "sum(no_such_column)"\n')
    table = pq.read_table(folder / "admissions.parquet")
    pq.write_table(table.slice(0, 5), folder / "admissions.parquet")  # a new version
    report = load_directory(folder, url, warehouse=tmp_path / "warehouse", registry=registry)
    result = report.by_file("admissions.parquet")
    assert result.status == "failed" and "no_such_column" in result.message
    assert sorted(p for p in (tmp_path / "warehouse").rglob("*") if p.is_file()) == files_before
    assert store.latest_observations() == obs_before
    assert len(store.warehouse_files("admissions")) == 2


def test_database_errors_become_one_clear_line(world, tmp_path):
    url = "postgresql+psycopg://nobody@127.0.0.1:1/nowhere"
    with pytest.raises(CareSignalError, match="cannot migrate the store at postgresql"):
        load_directory(world, url, warehouse=tmp_path / "wh")
    result = CliRunner().invoke(app, ["load", str(world), "--database", url])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "cannot migrate the store" in result.output


def test_a_missing_directory_is_an_input_error(tmp_path):
    result = CliRunner().invoke(app, ["load", str(tmp_path / "nope"), "--database",
                                      f"sqlite:///{tmp_path / 'x.db'}"])
    assert result.exit_code == 2 and "not a directory of source files" in result.output

"""Each named check alone, on a tiny DuckDB table ``t`` built by hand."""

from __future__ import annotations

import duckdb
import pyarrow as pa
import pytest

from caresignal.domain.sources import AE_MONTHLY, ORGANISATIONS, Column
from caresignal.ingest import checks as C
from caresignal.ingest.validate import text_to_type


def bad_lines(table: dict, check: C.Check, **extra) -> list[tuple]:
    """(line, column, value, reason) of the rows ``check`` flags in a table made of ``table``."""
    con = duckdb.connect()
    con.register("t_arrow", pa.table(table))
    con.execute("CREATE TEMP TABLE t AS SELECT * FROM t_arrow")
    for name, tbl in extra.items():
        con.register(name, pa.table(tbl))
    C.run_checks(con, [check])
    return con.execute('SELECT line, "column", value, reason FROM problems ORDER BY line').fetchall()


def typed(col: Column, values: list[str | None]) -> dict:
    """A table with ``col`` typed from text by the validator's own conversion, and the text kept."""
    con = duckdb.connect()
    con.register("r", pa.table({"x": pa.array(values, pa.string())}))
    out = con.execute(f"SELECT {text_to_type(col, 'x')} FROM r").fetchall()
    return {"__line": list(range(2, 2 + len(values))), col.name: [o[0] for o in out],
            col.name + "__raw": values}


def test_missing_value():
    col = Column("n", "int", "a count")
    rows = typed(col, ["1", None, "3"])
    assert bad_lines(rows, C.check_missing_value(col, True)) == [(3, "n", None, "a value is required")]
    assert C.check_missing_value(Column("n", "int", "", nullable=True), True) is None


@pytest.mark.parametrize("typ, values, bad, word", [
    ("int", ["1", "1.5", "x", "-2", " 3"], [3, 4, 6], "a whole number"),
    ("float", ["1.5", "abc", "2", "nan", "1e3"], [3, 5], "a number"),
    ("bool", ["1", "0", "yes", "true"], [4, 5], "1 or 0"),
    ("month", ["2024-01", "2024-13", "2024-1", "Jan 2024"], [3, 4, 5], "a month (YYYY-MM)"),
    ("date", ["2024-01-31", "31/01/2024", "2024-1-5", "2024-02-30"], [3, 4], "a date (YYYY-MM-DD)"),
])
def test_wrong_type(typ, values, bad, word):
    col = Column("x", typ, "")
    found = bad_lines(typed(col, values), C.check_type(col, True))
    assert [f[0] for f in found] == bad
    assert all(f[3] == f"is not {word}" and f[1] == "x" for f in found)


def test_bad_date_is_a_real_calendar_date_check():
    col = Column("d", "date", "")
    found = bad_lines(typed(col, ["2024-02-29", "2023-02-29", "2024-04-31", "bad"]), C.check_real_date(col, True))
    assert [(f[0], f[2]) for f in found] == [(3, "2023-02-29"), (4, "2024-04-31")]
    assert found[0][3] == "is not a real calendar date"


def test_value_not_allowed():
    col = ORGANISATIONS.column("region")
    found = bad_lines({"__line": [2, 3], "region": ["London", "Narnia"]}, C.check_allowed(col))
    assert found[0][:3] == (3, "region", "Narnia") and found[0][3].startswith("is not one of the allowed values")


def test_out_of_range():
    col = Column("score", "float", "", minimum=0, maximum=10)
    low, high = C.check_range(col)
    table = {"__line": [2, 3, 4, 5], "score": [0.0, -0.1, 10.0, 10.5]}
    assert bad_lines(table, low) == [(3, "score", "-0.1", "is below the minimum 0")]
    assert bad_lines(table, high) == [(5, "score", "10.5", "is above the maximum 10")]


def test_pattern_mismatch():
    col = ORGANISATIONS.column("org_code")
    found = bad_lines({"__line": [2, 3, 4], "org_code": ["ZA1", "za1", "ZA1!"]}, C.check_pattern(col))
    assert [f[0] for f in found] == [3, 4] and found[0][3] == "does not match the pattern [A-Z0-9]{3,5}"


def test_duplicate_key_reports_the_first_line():
    table = {"__line": [2, 3, 4], "org_code": ["ZA1", "ZB2", "ZA1"], "month": ["2024-01"] * 3,
             "__first_line": [2, 3, 2]}
    found = bad_lines(table, C.check_duplicate_key(AE_MONTHLY.key))
    assert found == [(4, "org_code", "ZA1, 2024-01", "duplicate key (org_code, month): first on line 2")]


@pytest.mark.parametrize("name, cols, cond, row_ok, row_bad", [
    ("discharge_before_admission", ("admission_date", "discharge_date"), "discharge_date < admission_date",
     ("2024-01-01", "2024-01-02"), ("2024-01-05", "2024-01-02")),
    ("breaches_over_attendances", ("attendances_type1", "breaches_type1"), "breaches_type1 > attendances_type1",
     (10, 3), (10, 11)),
    ("within_18_over_incomplete", ("incomplete_pathways", "within_18_weeks"),
     "within_18_weeks > incomplete_pathways", (100, 90), (100, 101)),
])
def test_cross_field(name, cols, cond, row_ok, row_bad):
    kind = pa.date32() if "date" in cols[0] else pa.int64()
    table = {"__line": [2, 3], cols[0]: pa.array([row_ok[0], row_bad[0]]).cast(kind),
             cols[1]: pa.array([row_ok[1], row_bad[1]]).cast(kind)}
    found = bad_lines(table, C.check_cross_field(name, cols, cond, "says why"))
    assert [(f[0], f[1], f[3]) for f in found] == [(3, cols[1], "says why")]
    assert found[0][2] == f"{cols[0]}={row_bad[0]}, {cols[1]}={row_bad[1]}"


def test_cross_field_ignores_missing_values():
    check = C.check_cross_field("x", ("a", "b"), "b < a", "b before a")
    assert bad_lines({"__line": [2], "a": [5], "b": pa.array([None], pa.int64())}, check) == []


def test_unknown_reference():
    check = C.check_reference("org_code", "ref_organisations", "org_code", "unknown organisation")
    found = bad_lines({"__line": [2, 3], "org_code": ["ZA1", "ZZ9"]}, check,
                      ref_organisations={"org_code": ["ZA1"]})
    assert found == [(3, "org_code", "ZZ9", "unknown organisation")]


def test_key_already_loaded_in_another_period():
    check = C.check_key_already_loaded(("complaint_id",), "existing")
    found = bad_lines({"__line": [2, 3], "complaint_id": ["C1", "C2"]}, check,
                      existing={"complaint_id": ["C2"], "period": ["2024-03"]})
    assert found == [(3, "complaint_id", "C2", "key already loaded for period 2024-03, which this file does "
                                                "not cover")]


def test_structure_checks_name_the_columns():
    header = ["org_code", "month", "attendances_type1", "extra"]
    assert "breaches_type1" in C.missing_columns(AE_MONTHLY, header)
    assert C.unknown_columns(AE_MONTHLY, header) == ["extra"]

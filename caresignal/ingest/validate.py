"""Validate one source file against its schema, vectorised in DuckDB.

``validate`` builds the table ``t`` (every schema column typed, plus the text as read where conversion
can fail), rejects the file on structural problems, runs the named row checks of ``checks`` and the
source's rules of ``rules``, and leaves the rows that passed in the table ``good`` (schema columns,
``__line`` and ``period``). Problems are records: line, column, value found, reason, check name, row.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import duckdb
import pyarrow as pa

from caresignal.domain.sources import Column, Source
from caresignal.ingest import checks as C
from caresignal.ingest.duck import fetch_all, fetch_arrow, fetch_one
from caresignal.ingest.readers import FileRejected, RawFile
from caresignal.ingest.rules import CROSS_FIELD, CROSS_SOURCE, ORG_REASON, REFERENCES

# A file with more problems than this is refused whole: at that point the file, not some rows, is wrong,
# and storing millions of quarantine records helps nobody.
MAX_PROBLEMS = 100_000
MONTH_PATTERN = "[0-9]{4}-(0[1-9]|1[0-2])"
_DUCK_TYPES = {"str": "VARCHAR", "int": "BIGINT", "float": "DOUBLE", "bool": "BOOLEAN", "date": "DATE",
               "month": "VARCHAR"}


@dataclass
class Validated:
    """Outcome of validating one file: rows read, the problems and the periods of the good rows.

    The good rows are in the DuckDB table ``good``.
    """

    rows_read: int
    rows_good: int
    problems: list[dict] = field(default_factory=list)
    periods: list[str] = field(default_factory=list)

    @property
    def rows_quarantined(self) -> int:
        return len({p["line"] for p in self.problems})


def text_to_type(col: Column, r: str) -> str:
    """SQL converting the text ``r`` to the column's type, NULL when it does not convert (strictly)."""
    if col.type == "str":
        return r
    if col.type == "int":
        return f"CASE WHEN regexp_full_match({r}, '[+-]?[0-9]+') THEN TRY_CAST({r} AS BIGINT) END"
    if col.type == "float":
        return f"CASE WHEN isfinite(TRY_CAST({r} AS DOUBLE)) THEN TRY_CAST({r} AS DOUBLE) END"
    if col.type == "bool":
        return f"CASE {r} WHEN '1' THEN true WHEN '0' THEN false END"
    if col.type == "date":
        return f"CASE WHEN regexp_full_match({r}, {C.lit(C.ISO_DATE)}) THEN TRY_CAST({r} AS DATE) END"
    return f"CASE WHEN regexp_full_match({r}, {C.lit(MONTH_PATTERN)}) THEN {r} END"  # month


def parquet_to_type(col: Column, arrow_type: pa.DataType, file: str) -> tuple[str, bool]:
    """SQL converting a stored Parquet column to the column's type, and whether the raw value is kept.

    Text columns are parsed like CSV cells; other types must be compatible or the file is rejected.
    """
    r, t = C.q(col.name), arrow_type
    if pa.types.is_dictionary(t):
        t = t.value_type
    if pa.types.is_null(t):
        return f"CAST(NULL AS {_DUCK_TYPES[col.type]})", False
    if pa.types.is_string(t) or pa.types.is_large_string(t):
        return text_to_type(col, r), col.type != "str"
    ok = {
        "int": pa.types.is_integer(t),
        "float": pa.types.is_integer(t) or pa.types.is_floating(t) or pa.types.is_decimal(t),
        "bool": pa.types.is_boolean(t) or pa.types.is_integer(t),
        "date": pa.types.is_date(t) or pa.types.is_timestamp(t),
        "month": False, "str": False,
    }[col.type]
    if not ok:
        raise FileRejected(f"wrong type: stored as {arrow_type}, expected {C.TYPE_WORDS[col.type]}",
                           file=file, column=col.name)
    if col.type == "float":  # NaN and infinity are not measurements: treated as missing
        return f"CASE WHEN isfinite(CAST({r} AS DOUBLE)) THEN CAST({r} AS DOUBLE) END", False
    if col.type == "bool" and pa.types.is_integer(t):
        return f"CASE {r} WHEN 1 THEN true WHEN 0 THEN false END", True
    return f"CAST({r} AS {_DUCK_TYPES[col.type]})", False


def period_sql(source: Source) -> str:
    """SQL giving a row's period: a date's month YYYY-MM, a month itself, a year YYYY, or NULL."""
    if source.period_column is None:
        return "CAST(NULL AS VARCHAR)"
    col = source.column(source.period_column)
    c = C.q(col.name)
    return {"date": f"strftime({c}, '%Y-%m')", "month": c, "int": f"CAST({c} AS VARCHAR)"}[col.type]


def check_structure(source: Source, raw: RawFile) -> None:
    """Reject a file whose columns are missing or unknown."""
    missing = C.missing_columns(source, raw.columns)
    unknown = C.unknown_columns(source, raw.columns)
    parts = []
    if missing:
        parts.append(f"missing column(s) {', '.join(map(repr, missing))}")
    if unknown:
        parts.append(f"unknown column(s) {', '.join(map(repr, unknown))}")
    if parts:
        raise FileRejected("; ".join(parts) + f"; {source.file} has the columns "
                           f"{', '.join(source.column_names)}", file=raw.path.name, line=1)


def build_typed_table(con: duckdb.DuckDBPyConnection, source: Source, raw: RawFile) -> set[str]:
    """Create ``t`` from ``raw``; returns the columns that keep their raw text (``col__raw``)."""
    select, has_raw = ["__line"], set()
    for col in source.columns:
        c = C.q(col.name)
        if col.name not in raw.columns:  # an absent synthetic-only column
            select.append(f"CAST(NULL AS {_DUCK_TYPES[col.type]}) AS {c}")
            continue
        if raw.format == "csv":
            expr, keep = text_to_type(col, c), col.type != "str"
        else:
            expr, keep = parquet_to_type(col, raw.arrow_types[col.name], raw.path.name)
        select.append(f"{expr} AS {c}")
        if keep:
            select.append(f"{c} AS {C.q(col.name + '__raw')}")
            has_raw.add(col.name)
    keys = ", ".join(C.q(k) for k in source.key)
    all_present = " AND ".join(f"{C.q(k)} IS NOT NULL" for k in source.key)
    select.append(f"CASE WHEN {all_present} THEN min(__line) OVER (PARTITION BY {keys}) END AS __first_line")
    # the window needs the typed key, so type first, then add the window in an outer select
    inner = ", ".join(s for s in select if "__first_line" not in s)
    con.execute(f"CREATE OR REPLACE TEMP TABLE t AS SELECT *, {select[-1]} FROM (SELECT {inner} FROM raw)")
    return has_raw


def reject_wrong_type_columns(con: duckdb.DuckDBPyConnection, source: Source, has_raw: set[str],
                              file: str) -> None:
    """Reject the file when a column has values but none of them is of the column's type."""
    for name in sorted(has_raw):
        col = source.column(name)
        r, c = C.q(name + "__raw"), C.q(name)
        n_raw, n_typed, first = fetch_one(
            con, f"SELECT count({r}), count({c}), arg_min(CAST({r} AS VARCHAR), __line) FILTER "
            f"(WHERE {r} IS NOT NULL) FROM t")
        if col.type == "date":  # impossible dates are a row problem, not a type problem
            n_typed += fetch_one(con, f"SELECT count(*) FROM t WHERE {c} IS NULL AND "
                                 f"regexp_full_match(CAST({r} AS VARCHAR), {C.lit(C.ISO_DATE)})")[0]
        if n_raw > 0 and n_typed == 0:
            raise FileRejected(f"wrong type: no value is {C.TYPE_WORDS[col.type]} (the first is {first!r})",
                               file=file, column=name)


def row_checks(source: Source, has_raw: set[str]) -> list[C.Check]:
    """Every row check for the source: cells, duplicate keys, cross-field rules, references."""
    out: list[C.Check] = []
    for col in source.columns:
        out += C.column_checks(col, col.name in has_raw)
    out.append(C.check_duplicate_key(source.key))
    for name, cols, cond, reason in CROSS_FIELD.get(source.name, []):
        out.append(C.check_cross_field(name, cols, cond, reason))
    for name, cols, cond, reason in CROSS_SOURCE.get(source.name, []):
        out.append(C.check_cross_field(name, cols, cond, reason))
    if source.org_column and source.name != "organisations":
        out.append(C.check_reference(source.org_column, "ref_organisations", "org_code", ORG_REASON))
    for column, ref, key, reason in REFERENCES.get(source.name, []):
        out.append(C.check_reference(column, f"ref_{ref}", key, reason))
    return out


def referenced_sources(source: Source) -> list[str]:
    refs = [ref for _, ref, _, _ in REFERENCES.get(source.name, [])]
    if source.org_column and source.name != "organisations":
        refs.append("organisations")
    return refs


def validate(con: duckdb.DuckDBPyConnection, source: Source, raw: RawFile,
             reference: Callable[[str], pa.Table],
             existing_keys: Callable[[list[str]], str | None]) -> Validated:
    """Validate ``raw`` (registered in ``con``) and leave its good rows in the table ``good``.

    Parameters
    ----------
    reference : callable
        ``reference(source_name)`` -> that source's rows in the store (for unknown-reference checks).
    existing_keys : callable
        ``existing_keys(periods)`` -> name of a DuckDB relation with the keys (and ``period``) already
        stored for this source outside ``periods``, or None; those rows would clash with this file.
    """
    file = raw.path.name
    check_structure(source, raw)
    if raw.rows == 0:
        raise FileRejected("the file has a header but no rows", file=file)
    has_raw = build_typed_table(con, source, raw)
    reject_wrong_type_columns(con, source, has_raw, file)
    for ref in referenced_sources(source):
        con.register(f"ref_{ref}", reference(ref))
    C.run_checks(con, row_checks(source, has_raw))
    _reject_if_too_many(con, raw, file)
    cols = ", ".join(C.q(c.name) for c in source.columns)
    con.execute(f"CREATE OR REPLACE TEMP TABLE good AS SELECT {cols}, __line, {period_sql(source)} AS period "
                "FROM t ANTI JOIN problems p ON t.__line = p.line ORDER BY __line")
    periods = [r[0] for r in fetch_all(con, "SELECT DISTINCT period FROM good WHERE period IS NOT NULL "
                                            "ORDER BY 1")]
    if source.period_column is not None:
        existing = existing_keys(periods)
        if existing is not None:
            C.run_checks(con, [C.check_key_already_loaded(source.key, existing)], table="good", append=True)
            con.execute("DELETE FROM good WHERE __line IN (SELECT line FROM problems "
                        "WHERE \"check\" = 'key_already_loaded')")
    problems = collect_problems(con, raw)
    rows_good = fetch_one(con, "SELECT count(*) FROM good")[0]
    return Validated(rows_read=raw.rows, rows_good=rows_good, problems=problems, periods=periods)


def _reject_if_too_many(con: duckdb.DuckDBPyConnection, raw: RawFile, file: str) -> None:
    n = fetch_one(con, "SELECT count(*) FROM problems")[0] + len(raw.problems)
    if n > MAX_PROBLEMS:
        line, column, value, reason = fetch_one(
            con, 'SELECT line, "column", value, reason FROM problems ORDER BY line LIMIT 1')
        raise FileRejected(f"too many bad rows ({n:,} problems, more than {MAX_PROBLEMS:,}); the first: "
                           f"{reason} (found {value!r})", file=file, line=line, column=column)


def collect_problems(con: duckdb.DuckDBPyConnection, raw: RawFile) -> list[dict]:
    """Problems as dicts (line, column, value, reason, check, row), by line, with the row as read."""
    table = fetch_arrow(con, 'SELECT p.line, p."column", p.value, p.reason, p."check", r.* EXCLUDE (__line) '
                        "FROM problems p JOIN raw r ON r.__line = p.line "
                        'ORDER BY p.line, p."column", p."check"')
    fixed = ("line", "column", "value", "reason", "check")
    out = list(raw.problems)
    for rec in table.to_pylist():
        vals = list(rec.values())
        out.append({**dict(zip(fixed, vals[:5])),
                    "row": {k: v for k, v in zip(list(rec)[5:], vals[5:])}})
    out.sort(key=lambda p: p["line"])
    return out


"""Small named checks, each a SQL condition over the validation table ``t`` that is true for a bad row.

``t`` has one row per data row: ``__line``, each schema column typed (``col``) and, where conversion
can fail, the value as read (``col__raw``). A check never loops over rows in Python: every check becomes
one ``SELECT ... WHERE <bad>`` and DuckDB runs them vectorised, so the same checks serve a 20-row CSV and
a 20-million-row Parquet file. Each check is tested alone in ``tests/ingest/test_checks.py``.

Structure checks (missing or unknown columns, wrong type of a whole column) reject the file; row checks
quarantine rows with file, line, column, the value found and the reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import duckdb

from caresignal.domain.sources import Column, Source

TYPE_WORDS = {"int": "a whole number", "float": "a number", "bool": "1 or 0", "date": "a date (YYYY-MM-DD)",
              "month": "a month (YYYY-MM)", "str": "text"}
ISO_DATE = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"


@dataclass(frozen=True)
class Check:
    """One row check: ``bad`` is a SQL condition over ``t``; ``reason`` and ``value`` are SQL expressions."""

    name: str
    column: str | None
    bad: str
    reason: str
    value: str


def q(name: str) -> str:
    """A quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def lit(text: str) -> str:
    """A SQL string literal."""
    return "'" + str(text).replace("'", "''") + "'"


def raw(name: str, has_raw: bool) -> str:
    return q(name + "__raw") if has_raw else q(name)


def _shown(expr: str) -> str:
    return f"CAST({expr} AS VARCHAR)"


# -- structure (file level) ---------------------------------------------------------------------------
def missing_columns(source: Source, header: Sequence[str]) -> list[str]:
    """Schema columns absent from the file (synthetic-only columns may be absent from real data)."""
    return [c for c in source.column_names if c not in header and c not in source.synthetic_only]


def unknown_columns(source: Source, header: Sequence[str]) -> list[str]:
    return [h for h in header if h not in source.column_names]


# -- cell checks ----------------------------------------------------------------------------------------
def check_missing_value(col: Column, has_raw: bool) -> Check | None:
    """A required column with an empty cell."""
    if col.nullable:
        return None
    return Check("missing_value", col.name, f"{raw(col.name, has_raw)} IS NULL",
                 lit("a value is required"), "NULL")


def check_type(col: Column, has_raw: bool) -> Check | None:
    """A cell that is not of the column's type (e.g. 'abc' in a number column)."""
    if not has_raw:
        return None
    r = raw(col.name, True)
    bad = f"{r} IS NOT NULL AND {q(col.name)} IS NULL"
    if col.type == "date":  # a well-formed but impossible date is reported by check_real_date
        bad += f" AND NOT regexp_full_match(CAST({r} AS VARCHAR), {lit(ISO_DATE)})"
    return Check("wrong_type", col.name, bad, lit(f"is not {TYPE_WORDS[col.type]}"), _shown(r))


def check_real_date(col: Column, has_raw: bool) -> Check | None:
    """A date written YYYY-MM-DD that does not exist (e.g. 2024-02-30)."""
    if col.type != "date" or not has_raw:
        return None
    r = raw(col.name, True)
    return Check("bad_date", col.name,
                 f"{q(col.name)} IS NULL AND regexp_full_match(CAST({r} AS VARCHAR), {lit(ISO_DATE)})",
                 lit("is not a real calendar date"), _shown(r))


def check_allowed(col: Column) -> Check | None:
    """A value outside the column's closed list."""
    if not col.allowed:
        return None
    values = ", ".join(lit(v) for v in col.allowed)
    return Check("value_not_allowed", col.name, f"{q(col.name)} NOT IN ({values})",
                 lit(f"is not one of the allowed values: {', '.join(col.allowed)}"), _shown(q(col.name)))


def check_range(col: Column) -> list[Check]:
    """A number below the minimum or above the maximum (both inclusive)."""
    out = []
    if col.minimum is not None:
        out.append(Check("out_of_range", col.name, f"{q(col.name)} < {col.minimum!r}",
                         lit(f"is below the minimum {col.minimum:g}"), _shown(q(col.name))))
    if col.maximum is not None:
        out.append(Check("out_of_range", col.name, f"{q(col.name)} > {col.maximum!r}",
                         lit(f"is above the maximum {col.maximum:g}"), _shown(q(col.name))))
    return out


def check_pattern(col: Column) -> Check | None:
    """Text that does not match the column's pattern in full."""
    if not col.pattern:
        return None
    return Check("pattern_mismatch", col.name, f"NOT regexp_full_match({q(col.name)}, {lit(col.pattern)})",
                 lit(f"does not match the pattern {col.pattern}"), _shown(q(col.name)))


def check_duplicate_key(key: Sequence[str]) -> Check:
    """A key seen on an earlier line of the same file (the first occurrence loads).

    Needs the column ``__first_line`` (the first line of the key) that ``validate`` adds to ``t``.
    """
    shown = " || ', ' || ".join(f"CAST({q(k)} AS VARCHAR)" for k in key)
    return Check("duplicate_key", key[0], "__line > __first_line",
                 f"'duplicate key ({', '.join(key)}): first on line ' || CAST(__first_line AS VARCHAR)",
                 shown)


def check_cross_field(name: str, columns: Sequence[str], condition: str, reason: str) -> Check:
    """A rule between columns of the same row, e.g. discharge before admission."""
    shown = " || ', ' || ".join(f"'{c}=' || coalesce(CAST({q(c)} AS VARCHAR), '')" for c in columns)
    return Check(name, columns[-1], f"coalesce({condition}, false)", lit(reason), shown)


def check_reference(column: str, table: str, key: str, reason: str) -> Check:
    """A value that must exist in another source already in the store (e.g. a known org_code)."""
    return Check("unknown_reference", column,
                 f"{q(column)} IS NOT NULL AND {q(column)} NOT IN (SELECT {q(key)} FROM {table})",
                 lit(reason), _shown(q(column)))


def check_key_already_loaded(key: Sequence[str], table: str) -> Check:
    """A key already in the store in a period this file does not replace."""
    cond = " AND ".join(f"e.{q(k)} = t.{q(k)}" for k in key)
    shown = " || ', ' || ".join(f"CAST(t.{q(k)} AS VARCHAR)" for k in key)
    return Check("key_already_loaded", key[0],
                 f"EXISTS (SELECT 1 FROM {table} e WHERE {cond})",
                 "'key already loaded for period ' || (SELECT min(e.period) FROM " + table + f" e WHERE {cond})"
                 " || ', which this file does not cover'", shown)


def column_checks(col: Column, has_raw: bool) -> list[Check]:
    """Every cell check that applies to one column, in the order they are reported."""
    found = [check_missing_value(col, has_raw), check_type(col, has_raw), check_real_date(col, has_raw),
             check_allowed(col), *check_range(col), check_pattern(col)]
    return [c for c in found if c is not None]


def run_checks(con: duckdb.DuckDBPyConnection, checks: Sequence[Check], table: str = "t",
               append: bool = False) -> None:
    """Put every failure found into the table ``problems`` (line, column, value, reason, check).

    The table is created afresh unless ``append``.
    """
    if not append:
        con.execute('CREATE OR REPLACE TEMP TABLE problems (line BIGINT, "column" VARCHAR, value VARCHAR, '
                    'reason VARCHAR, "check" VARCHAR)')
    for start in range(0, len(checks), 40):  # a few dozen checks per statement keeps plans small
        selects = [f"SELECT __line, {lit(c.column) if c.column else 'NULL'}, {c.value}, {c.reason}, "
                   f"{lit(c.name)} FROM {table} t WHERE {c.bad}" for c in checks[start:start + 40]]
        con.execute("INSERT INTO problems " + " UNION ALL ".join(selects))

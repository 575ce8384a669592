"""DuckDB helpers. DuckDB 2 needs each result fully fetched before the next statement on a connection,
so results are always fetched whole through these."""

from __future__ import annotations

import duckdb
import pyarrow as pa


def fetch_all(con: duckdb.DuckDBPyConnection, sql: str) -> list[tuple]:
    return con.execute(sql).fetchall()


def fetch_one(con: duckdb.DuckDBPyConnection, sql: str) -> tuple:
    rows = con.execute(sql).fetchall()
    return rows[0]


def fetch_arrow(con: duckdb.DuckDBPyConnection, sql: str) -> pa.Table:
    return con.sql(sql).to_arrow_table()

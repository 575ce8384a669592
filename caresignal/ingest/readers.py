"""Readers: turn a source file into a DuckDB relation ``raw`` with a ``__line`` column, or reject it.

Line numbers follow what an analyst sees in an editor. CSV: the physical line where the row starts
(the header is line 1, quoted fields may span lines). Parquet has no lines, so a row's "line" is its
row number + 1 (the first row is line 2), as if the file had been written out as CSV with a header.

A structural problem (empty file, bytes that are not UTF-8, a broken CSV quote, an unreadable Parquet
file, duplicate column names) raises ``FileRejected``: nothing from the file is loaded.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from caresignal.domain.errors import InputError

UTF8_BOM = b"\xef\xbb\xbf"
HEADER_LINE = 1


class FileRejected(InputError):
    """The file's structure is wrong, so none of it is loaded."""


@dataclass
class RawFile:
    """A file registered in a DuckDB connection as the relation ``raw`` (its columns plus ``__line``).

    ``columns`` are the header names in file order; ``arrow_types`` the Parquet column types (CSV
    columns are all text); ``problems`` are rows already refused while reading (CSV rows with the wrong
    number of fields), as problem dicts.
    """

    path: Path
    format: str
    columns: list[str]
    rows: int
    arrow_types: dict[str, pa.DataType] = field(default_factory=dict)
    problems: list[dict] = field(default_factory=list)


def read_csv(path: Path, con: duckdb.DuckDBPyConnection) -> RawFile:
    """Read a UTF-8 CSV (empty cell = missing) into ``raw``; every value stays text until validated."""
    name = path.name
    data = path.read_bytes()
    if data.startswith(UTF8_BOM):  # spreadsheets add a byte-order mark; harmless, so dropped
        data = data[len(UTF8_BOM):]
    if not data.strip():
        raise FileRejected("the file is empty (no header, no rows)", file=name)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise FileRejected(f"not valid UTF-8: byte 0x{data[exc.start]:02x} cannot be decoded; save the "
                           "file as UTF-8 (CSV UTF-8 in a spreadsheet)", file=name, line=line) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    header: list[str] | None = None
    lines: list[int] = []
    rows: list[list[str]] = []
    problems: list[dict] = []
    last_line = 0
    try:
        for row in reader:
            start, last_line = last_line + 1, reader.line_num
            if not row or all(not cell.strip() for cell in row):
                continue  # blank lines carry nothing
            if header is None:
                header = [h.strip() for h in row]
                continue
            if len(row) != len(header):
                problems.append({"line": start, "column": None, "value": ",".join(row)[:200],
                                 "reason": f"has {len(row)} fields but the header has {len(header)}",
                                 "check": "field_count", "row": {"fields": row}})
                continue
            lines.append(start)
            rows.append(row)
    except csv.Error as exc:
        raise FileRejected(f"not a well-formed CSV file: {exc}", file=name, line=reader.line_num) from None
    if header is None:
        raise FileRejected("the file is empty (no header, no rows)", file=name)
    _check_header(header, name)
    columns = {h: pa.array([r[i] if r[i] != "" else None for r in rows], type=pa.string())
               for i, h in enumerate(header)}
    columns["__line"] = pa.array(lines, type=pa.int64())
    con.register("raw_arrow", pa.table(columns))
    con.execute("CREATE OR REPLACE TEMP VIEW raw AS SELECT * FROM raw_arrow")
    return RawFile(path, "csv", header, len(rows) + len(problems), problems=problems)


def read_parquet(path: Path, con: duckdb.DuckDBPyConnection) -> RawFile:
    """Register a Parquet file as ``raw`` (typed as stored) with ``__line`` = row number + 2."""
    name = path.name
    if path.stat().st_size == 0:
        raise FileRejected("the file is empty (0 bytes)", file=name)
    try:
        meta = pq.ParquetFile(path)
        schema = meta.schema_arrow
        n_rows = meta.metadata.num_rows
    except (pa.ArrowException, OSError) as exc:
        raise FileRejected(f"not a readable Parquet file: {str(exc).splitlines()[0]}", file=name) from None
    header = list(schema.names)
    _check_header(header, name)
    literal = str(path).replace("'", "''")
    con.execute(f"CREATE OR REPLACE TEMP VIEW raw AS SELECT * EXCLUDE (file_row_number), "
                f"file_row_number + 2 AS __line FROM read_parquet('{literal}', file_row_number = true)")
    return RawFile(path, "parquet", header, n_rows, arrow_types={f.name: f.type for f in schema})


def _check_header(header: list[str], name: str) -> None:
    seen, dupes = set(), []
    for h in header:
        if h in seen:
            dupes.append(h)
        seen.add(h)
    if dupes:
        raise FileRejected(f"duplicate column name(s) {', '.join(map(repr, dupes))} in the header",
                           file=name, line=HEADER_LINE)
    if any(not h for h in header):
        raise FileRejected("a column in the header has no name", file=name, line=HEADER_LINE)

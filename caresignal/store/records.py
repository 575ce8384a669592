"""Small typed records the store returns about loads (the domain records live in caresignal.domain)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class LoadLogEntry:
    """One attempt to load one file.

    ``status`` is ``loaded`` (new data), ``replaced`` (a new version replaced periods already loaded),
    ``unchanged`` (same SHA-256 as the version in effect: nothing written but this entry), ``rejected``
    (wrong structure: nothing loaded) or ``failed`` (an error part-way: rolled back, nothing loaded).
    """

    id: int
    source: str | None
    file: str
    sha256: str | None
    status: str
    started_at: dt.datetime
    finished_at: dt.datetime | None
    rows_read: int
    rows_loaded: int
    rows_quarantined: int
    periods: tuple[str, ...] = ()
    replaced_periods: tuple[str, ...] = ()
    observations: int = 0
    message: str | None = None


@dataclass(frozen=True)
class QuarantineEntry:
    """One problem found in one row of a loaded file: where, the value found and why it was refused.

    ``line`` is the physical line for CSV (header = line 1) and row number + 1 for Parquet (first row =
    line 2). ``row`` is the row as read, kept for inspection.
    """

    id: int
    load_id: int
    source: str
    file: str
    line: int
    column: str | None
    value: str | None
    reason: str
    check: str
    row: dict = field(default_factory=dict)

    def __str__(self) -> str:
        col = f"column {self.column!r}, " if self.column else ""
        val = f" (found {self.value!r})" if self.value is not None else ""
        return f"{self.file}: {col}line {self.line}: {self.reason}{val}"

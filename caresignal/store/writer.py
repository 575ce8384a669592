"""Writes to the store inside one transaction (``Store.transaction()``), used by the ingest layer.

Everything a load writes (source rows, quarantine, warehouse registrations, observations, its load-log
entry) goes through one ``StoreTransaction``, so a failure anywhere rolls all of it back.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Iterable, Sequence

import pyarrow as pa
from sqlalchemy import Connection, delete, insert, select, update

from caresignal.domain.records import Indicator, Observation
from caresignal.domain.sources import SOURCES
from caresignal.store.models import (SOURCE_TABLES, IndicatorRow, LoadLog, ObservationRow, QuarantineRow,
                                     WarehouseFile)

# Rows per INSERT batch: keeps parameter lists well under SQLite's and psycopg's limits.
INSERT_BATCH = 5_000
APPLIED = ("loaded", "replaced")  # load-log statuses whose data is in the store


class StoreTransaction:
    """The write side of the store, bound to one open transaction."""

    def __init__(self, conn: Connection, warehouse: Path):
        self.conn = conn
        self.warehouse = warehouse

    # -- load log -------------------------------------------------------------------------------
    def start_load(self, source: str | None, file: str, sha256: str | None, status: str = "loading") -> int:
        now = dt.datetime.now()
        result = self.conn.execute(insert(LoadLog).values(
            source=source, file=file, sha256=sha256, status=status, started_at=now, rows_read=0,
            rows_loaded=0, rows_quarantined=0, observations=0).returning(LoadLog.id))
        return int(result.scalar_one())

    def finish_load(self, load_id: int, *, status: str, rows_read: int = 0, rows_loaded: int = 0,
                    rows_quarantined: int = 0, periods: Iterable[str] = (),
                    replaced_periods: Iterable[str] = (), observations: int = 0,
                    message: str | None = None) -> None:
        self.conn.execute(update(LoadLog).where(LoadLog.id == load_id).values(
            status=status, finished_at=dt.datetime.now(), rows_read=rows_read, rows_loaded=rows_loaded,
            rows_quarantined=rows_quarantined, periods=",".join(sorted(periods)) or None,
            replaced_periods=",".join(sorted(replaced_periods)) or None, observations=observations,
            message=message))

    def current_sha256(self, source: str) -> str | None:
        """SHA-256 of the most recent version of ``source`` whose data was applied, if any."""
        stmt = (select(LoadLog.sha256).where(LoadLog.source == source, LoadLog.status.in_(APPLIED))
                .order_by(LoadLog.id.desc()).limit(1))
        return self.conn.execute(stmt).scalar_one_or_none()

    def quarantined_count(self, source: str, sha256: str) -> int:
        """Rows quarantined when this exact version of the file was last applied."""
        stmt = (select(LoadLog.rows_quarantined).where(LoadLog.source == source, LoadLog.sha256 == sha256,
                                                       LoadLog.status.in_(APPLIED))
                .order_by(LoadLog.id.desc()).limit(1))
        return int(self.conn.execute(stmt).scalar_one_or_none() or 0)

    # -- quarantine -----------------------------------------------------------------------------
    def add_quarantine(self, load_id: int, source: str, file: str, problems: Sequence[dict]) -> None:
        """Store problems (dicts with line, column, value, reason, check, row)."""
        rows = [{"load_id": load_id, "source": source, "file": file, "line": int(p["line"]),
                 "column": p.get("column"), "value": p.get("value"), "reason": p["reason"],
                 "check": p["check"], "row": json.dumps(p.get("row") or {}, default=str)}
                for p in problems]
        self._insert_batches(QuarantineRow.__table__, rows)

    # -- small sources --------------------------------------------------------------------------
    def read_source(self, source_name: str, columns: Sequence[str] | None = None) -> pa.Table:
        """A small source's rows (schema columns plus ``period``) as an Arrow table, typed per schema."""
        table = SOURCE_TABLES[source_name]
        names = list(columns) if columns is not None else [*SOURCES[source_name].column_names, "period"]
        result = self.conn.execute(select(*[table.c[n] for n in names]))
        rows = result.fetchall()
        return pa.table({n: pa.array([r[i] for r in rows], type=_arrow_type(source_name, n))
                         for i, n in enumerate(names)})

    def periods_present(self, source_name: str) -> set[str]:
        table = SOURCE_TABLES[source_name]
        return {p for p in self.conn.execute(select(table.c.period).distinct()).scalars() if p is not None}

    def delete_periods(self, source_name: str, periods: Iterable[str]) -> int:
        table = SOURCE_TABLES[source_name]
        periods = list(periods)
        deleted = 0
        for i in range(0, len(periods), 500):
            result = self.conn.execute(delete(table).where(table.c.period.in_(periods[i:i + 500])))
            deleted += result.rowcount or 0
        return deleted

    def insert_rows(self, source_name: str, rows: pa.Table, load_id: int) -> int:
        """Insert typed rows (schema columns plus ``line`` and ``period``)."""
        records = rows.to_pylist()
        for r in records:
            r["load_id"] = load_id
        self._insert_batches(SOURCE_TABLES[source_name], records)
        return len(records)

    def upsert_rows(self, source_name: str, rows: pa.Table, load_id: int) -> tuple[int, int]:
        """Insert or update rows of a reference source (no periods) by key; returns (new, updated).

        Rows absent from the new version are kept: other sources' rows may refer to them.
        """
        table = SOURCE_TABLES[source_name]
        key = SOURCES[source_name].key
        existing = {tuple(r) for r in self.conn.execute(select(*[table.c[k] for k in key])).all()}
        records = rows.to_pylist()
        for r in records:
            r["load_id"] = load_id
        new = [r for r in records if tuple(r[k] for k in key) not in existing]
        old = [r for r in records if tuple(r[k] for k in key) in existing]
        self._insert_batches(table, new)
        for r in old:
            cond = [table.c[k] == r[k] for k in key]
            self.conn.execute(update(table).where(*cond).values(**{k: v for k, v in r.items() if k not in key}))
        return len(new), len(old)

    # -- warehouse ------------------------------------------------------------------------------
    def warehouse_entries(self, source_name: str) -> dict[str, str]:
        """Registered Parquet files of a large source: period -> path."""
        stmt = select(WarehouseFile.period, WarehouseFile.path).where(WarehouseFile.source == source_name)
        return {p: path for p, path in self.conn.execute(stmt).all()}

    def register_warehouse_file(self, source_name: str, period: str, path: str, rows: int,
                                load_id: int) -> str | None:
        """Register the file holding ``period`` of a large source; returns the path it replaces."""
        old = self.conn.execute(select(WarehouseFile.path).where(
            WarehouseFile.source == source_name, WarehouseFile.period == period)).scalar_one_or_none()
        if old is not None:
            self.conn.execute(delete(WarehouseFile).where(WarehouseFile.source == source_name,
                                                          WarehouseFile.period == period))
        self.conn.execute(insert(WarehouseFile).values(source=source_name, period=period, path=path,
                                                       rows=rows, load_id=load_id))
        return old

    # -- indicators and observations ------------------------------------------------------------
    def sync_indicators(self, indicators: Iterable[Indicator]) -> None:
        """Make the indicators table match the registry (insert new, update changed)."""
        existing = set(self.conn.execute(select(IndicatorRow.id)).scalars())
        for ind in indicators:
            values = {"name": ind.name, "domain": ind.domain, "source": ind.source, "unit": ind.unit,
                      "improvement": ind.improvement.value, "method": ind.method,
                      "params": json.dumps(ind.params, sort_keys=True), "multiplier": ind.multiplier,
                      "description": ind.description}
            if ind.id in existing:
                self.conn.execute(update(IndicatorRow).where(IndicatorRow.id == ind.id).values(**values))
            else:
                self.conn.execute(insert(IndicatorRow).values(id=ind.id, **values))

    def replace_observations(self, indicator_ids: Iterable[str], observations: Iterable[Observation],
                             load_id: int | None = None, periods: Iterable[str] | None = None) -> int:
        """Replace the observations of these indicators (in ``periods``, or all) with ``observations``.

        Returns how many were written.
        """
        ids = list(indicator_ids)
        if ids:
            stmt = delete(ObservationRow).where(ObservationRow.indicator_id.in_(ids))
            if periods is not None:
                stmt = stmt.where(ObservationRow.period.in_(list(periods)))
            self.conn.execute(stmt)
        rows = [{"org_code": o.org_code, "indicator_id": o.indicator_id, "period": o.period,
                 "period_start": o.period_start, "numerator": o.numerator, "denominator": o.denominator,
                 "expected": o.expected, "value": o.value, "load_id": load_id} for o in observations]
        self._insert_batches(ObservationRow.__table__, rows)
        return len(rows)

    # -- helpers --------------------------------------------------------------------------------
    def _insert_batches(self, table, rows: list[dict]) -> None:
        for i in range(0, len(rows), INSERT_BATCH):
            self.conn.execute(insert(table), rows[i:i + INSERT_BATCH])


_ARROW = {"str": pa.string(), "int": pa.int64(), "float": pa.float64(), "bool": pa.bool_(),
          "date": pa.date32(), "month": pa.string()}


def _arrow_type(source_name: str, column: str) -> pa.DataType:
    if column == "period":
        return pa.string()
    if column in ("line", "load_id"):
        return pa.int64()
    return _ARROW[SOURCES[source_name].column(column).type]



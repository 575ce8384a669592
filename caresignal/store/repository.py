"""``Store``: the one way into the store. Returns domain records, never ORM rows.

>>> store = Store("sqlite:///caresignal.db")   # doctest: +SKIP
>>> store.migrate()                             # doctest: +SKIP
>>> [o.org_code for o in store.organisations()][:3]  # doctest: +SKIP
['ZA1', 'ZA2', 'ZA3']

Database errors become ``CareSignalError`` with one clear line (a store that was never created says
so), so no caller ever shows a traceback.
"""

from __future__ import annotations

import contextlib
import functools
import json
from pathlib import Path
from typing import Iterator

from sqlalchemy import Engine, and_, func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from caresignal.domain.errors import CareSignalError, OptionError
from caresignal.domain.records import Improvement, Indicator, Observation, Organisation
from caresignal.domain.sources import SOURCES
from caresignal.store.database import default_warehouse, make_engine
from caresignal.store.migrate import migrate_engine
from caresignal.store.models import (SOURCE_TABLES, IndicatorRow, LoadLog, ObservationRow, QuarantineRow,
                                     WarehouseFile)
from caresignal.store.records import LoadLogEntry, QuarantineEntry

ORG_TABLE = SOURCE_TABLES["organisations"]


def _friendly(method):
    """Turn a database error inside a Store method into a one-line CareSignalError."""

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except SQLAlchemyError as exc:
            raise CareSignalError(database_message(self.url, exc)) from None

    return wrapper


def database_message(url: str, exc: SQLAlchemyError) -> str:
    """One line saying what went wrong with the store at ``url``."""
    orig = getattr(exc, "orig", None) or exc
    text = (str(orig).strip().splitlines() or [type(orig).__name__])[0]
    shown = _safe_url(url)
    if "no such table" in text or ("relation" in text and "does not exist" in text):
        return f"the store at {shown} has no CareSignal tables yet; run `caresignal load DIR` first ({text})"
    return f"database error in the store at {shown}: {text}"


def _safe_url(url: str) -> str:
    try:
        from sqlalchemy.engine import make_url
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - only for display
        return "<database>"


class Store:
    """The CareSignal store at a SQLAlchemy URL, with its warehouse of Parquet for large sources.

    Parameters
    ----------
    url : str
        SQLAlchemy URL, e.g. ``sqlite:///caresignal.db`` or ``postgresql+psycopg://user@host/db``.
    warehouse : path, optional
        Folder of accepted Parquet files; default ``$CARESIGNAL_WAREHOUSE`` or ``<SQLite dir>/warehouse``.
    """

    def __init__(self, url: str, warehouse: str | Path | None = None):
        self.url = url
        self.warehouse = Path(warehouse) if warehouse is not None else default_warehouse(url)
        self._engine: Engine | None = None

    # -- plumbing -------------------------------------------------------------------------------
    @property
    def engine(self) -> Engine:
        if self._engine is None:
            self._engine = make_engine(self.url)
        return self._engine

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def migrate(self, registry=None) -> None:
        """Create or upgrade the schema to the newest migration, then sync the indicator registry.

        ``registry`` is a loaded ``Registry`` (default: the packaged ``indicators.toml``).
        """
        migrate_engine(self.engine)
        from caresignal.domain.registry import load_registry
        with self.transaction() as tx:
            tx.sync_indicators((registry or load_registry()).indicators)

    @contextlib.contextmanager
    def transaction(self) -> Iterator["StoreTransaction"]:
        """A write transaction: everything done through it commits together or not at all."""
        from caresignal.store.writer import StoreTransaction
        try:
            with self.engine.begin() as conn:
                yield StoreTransaction(conn, self.warehouse)
        except SQLAlchemyError as exc:
            raise CareSignalError(database_message(self.url, exc)) from None

    # -- organisations and indicators -----------------------------------------------------------
    @_friendly
    def organisations(self) -> list[Organisation]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(ORG_TABLE).order_by(ORG_TABLE.c.org_code)).mappings().all()
        return [_organisation(r) for r in rows]

    @_friendly
    def organisation(self, code: str) -> Organisation | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(ORG_TABLE).where(ORG_TABLE.c.org_code == code)).mappings().first()
        return _organisation(row) if row is not None else None

    @_friendly
    def indicators(self) -> list[Indicator]:
        with Session(self.engine) as conn:
            rows = conn.execute(select(IndicatorRow).order_by(IndicatorRow.id)).scalars().all()
            return [_indicator(r) for r in rows]

    @_friendly
    def indicator(self, indicator_id: str) -> Indicator | None:
        with Session(self.engine) as conn:
            row = conn.execute(select(IndicatorRow).where(IndicatorRow.id == indicator_id)).scalars().first()
            return _indicator(row) if row is not None else None

    # -- observations ---------------------------------------------------------------------------
    @_friendly
    def latest_observations(self, org_code: str | None = None) -> list[Observation]:
        """The latest period's observation of every indicator for each organisation (or one)."""
        o = ObservationRow
        latest = select(o.org_code, o.indicator_id, func.max(o.period_start).label("ps"))
        if org_code is not None:
            latest = latest.where(o.org_code == org_code)
        latest = latest.group_by(o.org_code, o.indicator_id).subquery()
        stmt = (select(o).join(latest, and_(o.org_code == latest.c.org_code,
                                            o.indicator_id == latest.c.indicator_id,
                                            o.period_start == latest.c.ps))
                .order_by(o.org_code, o.indicator_id))
        with Session(self.engine) as conn:
            return [_observation(r) for r in conn.execute(stmt).scalars().all()]

    @_friendly
    def observations(self, org_code: str, indicator_id: str) -> list[Observation]:
        """Every observation of one indicator for one organisation, in period order."""
        o = ObservationRow
        stmt = (select(o).where(o.org_code == org_code, o.indicator_id == indicator_id)
                .order_by(o.period_start))
        with Session(self.engine) as conn:
            return [_observation(r) for r in conn.execute(stmt).scalars().all()]

    @_friendly
    def indicator_observations(self, indicator_id: str, period: str | None = None) -> list[Observation]:
        """Every organisation's observations of one indicator (one period, or all), by period then org."""
        o = ObservationRow
        stmt = select(o).where(o.indicator_id == indicator_id)
        if period is not None:
            stmt = stmt.where(o.period == period)
        stmt = stmt.order_by(o.period_start, o.org_code)
        with Session(self.engine) as conn:
            return [_observation(r) for r in conn.execute(stmt).scalars().all()]

    def replace_observations(self, indicator_ids, observations, periods=None) -> int:
        """Replace the observations of ``indicator_ids`` (only in ``periods`` when given) in one
        transaction, e.g. for indicators the engine computes; running it twice changes nothing."""
        with self.transaction() as tx:
            return tx.replace_observations(list(indicator_ids), list(observations), None,
                                           None if periods is None else list(periods))

    # -- loads ----------------------------------------------------------------------------------
    @_friendly
    def load_log(self, limit: int = 100) -> list[LoadLogEntry]:
        """The most recent load attempts, newest first."""
        stmt = select(LoadLog).order_by(LoadLog.id.desc()).limit(limit)
        with Session(self.engine) as conn:
            return [_load_entry(r) for r in conn.execute(stmt).scalars().all()]

    @_friendly
    def quarantine(self, limit: int | None = 1000, file: str | None = None) -> list[QuarantineEntry]:
        """Problems found in loaded rows (newest load first, then by line); optionally of one file."""
        q = QuarantineRow
        stmt = select(q)
        if file is not None:
            stmt = stmt.where(q.file == file)
        stmt = stmt.order_by(q.load_id.desc(), q.line, q.id)
        if limit is not None:
            stmt = stmt.limit(limit)
        with Session(self.engine) as conn:
            return [_quarantine_entry(r) for r in conn.execute(stmt).scalars().all()]

    @_friendly
    def source_rows(self, source_name: str, org_code: str | None = None,
                    limit: int | None = None) -> list[dict]:
        """Rows of a small source as dicts of its schema columns, in key order."""
        table = _small_table(source_name)
        source = SOURCES[source_name]
        stmt = select(*[table.c[name] for name in source.column_names])
        if org_code is not None:
            if source.org_column is None:
                raise OptionError(f"source {source_name!r} has no organisation column; "
                                  "call source_rows without org_code")
            stmt = stmt.where(table.c[source.org_column] == org_code)
        stmt = stmt.order_by(*[table.c[k] for k in source.key])
        if limit is not None:
            stmt = stmt.limit(limit)
        with self.engine.connect() as conn:
            return [dict(r) for r in conn.execute(stmt).mappings().all()]

    @_friendly
    def warehouse_files(self, source_name: str) -> list[Path]:
        """Accepted Parquet files of a large source, one per period, in period order."""
        source = SOURCES.get(source_name)
        if source is None or not source.large:
            large = sorted(s.name for s in SOURCES.values() if s.large)
            raise OptionError(f"source_name must be one of the large sources {large}; got {source_name!r}")
        stmt = (select(WarehouseFile.path).where(WarehouseFile.source == source_name)
                .order_by(WarehouseFile.period))
        with self.engine.connect() as conn:
            return [Path(p) for p in conn.execute(stmt).scalars().all()]


def _small_table(source_name: str):
    if source_name not in SOURCE_TABLES:
        raise OptionError(f"source_name must be one of the sources stored row by row "
                          f"{sorted(SOURCE_TABLES)}; got {source_name!r}")
    return SOURCE_TABLES[source_name]


def _organisation(r) -> Organisation:
    return Organisation(org_code=r["org_code"], org_name=r["org_name"], region=r["region"], icb=r["icb"],
                        trust_type=r["trust_type"], teaching=bool(r["teaching"]), beds=int(r["beds"]),
                        cancer_network=r["cancer_network"], synthetic=bool(r["synthetic"]))


def _indicator(r: IndicatorRow) -> Indicator:
    return Indicator(id=r.id, name=r.name, domain=r.domain, source=r.source, unit=r.unit,
                     improvement=Improvement(r.improvement), method=r.method, params=json.loads(r.params),
                     description=r.description, multiplier=r.multiplier)


def _observation(r: ObservationRow) -> Observation:
    return Observation(org_code=r.org_code, indicator_id=r.indicator_id, period=r.period,
                       period_start=r.period_start, numerator=r.numerator, denominator=r.denominator,
                       expected=r.expected, value=r.value)


def _split(text: str | None) -> tuple[str, ...]:
    return tuple(p for p in (text or "").split(",") if p)


def _load_entry(r: LoadLog) -> LoadLogEntry:
    return LoadLogEntry(id=r.id, source=r.source, file=r.file, sha256=r.sha256, status=r.status,
                        started_at=r.started_at, finished_at=r.finished_at, rows_read=r.rows_read,
                        rows_loaded=r.rows_loaded, rows_quarantined=r.rows_quarantined,
                        periods=_split(r.periods), replaced_periods=_split(r.replaced_periods),
                        observations=r.observations, message=r.message)


def _quarantine_entry(r: QuarantineRow) -> QuarantineEntry:
    return QuarantineEntry(id=r.id, load_id=r.load_id, source=r.source, file=r.file, line=r.line,
                           column=r.column, value=r.value, reason=r.reason, check=r.check,
                           row=json.loads(r.row) if r.row else {})


# ==== outcomes engine (added by "engine", issue 5) ==============================================
def _write_engine_observations(self: Store, indicator_ids, periods, observations) -> int:
    """Replace the observations of ``indicator_ids`` in ``periods`` with ``observations`` (one
    transaction; running the same as-of month twice changes nothing). Returns how many were written."""
    from sqlalchemy import delete, insert

    rows = [{"org_code": o.org_code, "indicator_id": o.indicator_id, "period": o.period,
             "period_start": o.period_start, "numerator": o.numerator, "denominator": o.denominator,
             "expected": o.expected, "value": o.value, "load_id": None} for o in observations]
    with self.transaction() as tx:
        tx.conn.execute(delete(ObservationRow).where(ObservationRow.indicator_id.in_(list(indicator_ids)),
                                                     ObservationRow.period.in_(list(periods))))
        for i in range(0, len(rows), 5000):
            tx.conn.execute(insert(ObservationRow.__table__), rows[i:i + 5000])
    return len(rows)


Store.write_engine_observations = _friendly(_write_engine_observations)

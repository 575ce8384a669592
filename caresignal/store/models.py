"""The store's schema: SQLAlchemy 2 models for what people act on, and one table per small source.

Fixed tables are typed declarative models (load log, quarantine, warehouse registry, indicators,
observations). The small sources are stored row by row in tables generated from their schemas in
``caresignal.domain.sources`` (``src_<source name>``: the file's columns, its key as primary key, plus
``load_id``, ``line`` and ``period`` so that a new version of a file can replace the periods it covers).
The large sources (``Source.large``) stay as Parquet in the warehouse; ``warehouse_files`` registers them.

Only the store package knows these tables; everything else sees domain records.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (BigInteger, Boolean, Column, Date, DateTime, Float, ForeignKey, Index, Integer,
                        MetaData, String, Table, Text, UniqueConstraint)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from caresignal.domain.sources import SOURCES, Source

# Constraint names are fixed so that migrations can refer to them on every backend.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class LoadLog(Base):
    """One attempt to load one file: what happened, how many rows, which periods it covered/replaced."""

    __tablename__ = "load_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    source: Mapped[str | None] = mapped_column(String(64))
    file: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    status: Mapped[str] = mapped_column(String(16))  # loaded | replaced | unchanged | rejected | failed
    started_at: Mapped[dt.datetime] = mapped_column(DateTime)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    rows_read: Mapped[int] = mapped_column(BigInteger, default=0)
    rows_loaded: Mapped[int] = mapped_column(BigInteger, default=0)
    rows_quarantined: Mapped[int] = mapped_column(BigInteger, default=0)
    periods: Mapped[str | None] = mapped_column(Text)  # comma-separated periods the file covers
    replaced_periods: Mapped[str | None] = mapped_column(Text)  # of those, periods that were replaced
    observations: Mapped[int] = mapped_column(BigInteger, default=0)  # observations derived
    message: Mapped[str | None] = mapped_column(Text)


class QuarantineRow(Base):
    """One problem with one row of a loaded file; the raw row is kept for inspection."""

    __tablename__ = "quarantine"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    load_id: Mapped[int] = mapped_column(ForeignKey("load_log.id"), index=True)
    source: Mapped[str] = mapped_column(String(64))
    file: Mapped[str] = mapped_column(Text, index=True)
    line: Mapped[int] = mapped_column(BigInteger)
    column: Mapped[str | None] = mapped_column(String(128))
    value: Mapped[str | None] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text)
    check: Mapped[str] = mapped_column(String(64))
    row: Mapped[str | None] = mapped_column(Text)  # JSON object of the row as read


class WarehouseFile(Base):
    """An accepted Parquet file of a large source, holding exactly one period of that source."""

    __tablename__ = "warehouse_files"
    __table_args__ = (UniqueConstraint("source", "period"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    source: Mapped[str] = mapped_column(String(64), index=True)
    period: Mapped[str] = mapped_column(String(7))
    path: Mapped[str] = mapped_column(Text)
    rows: Mapped[int] = mapped_column(BigInteger)
    load_id: Mapped[int] = mapped_column(ForeignKey("load_log.id"))


class IndicatorRow(Base):
    """The registry (``caresignal/domain/indicators.toml``) as loaded into the store."""

    __tablename__ = "indicators"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    domain: Mapped[str] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(String(64))
    unit: Mapped[str] = mapped_column(String(16))
    improvement: Mapped[str] = mapped_column(String(16))
    method: Mapped[str] = mapped_column(String(64))
    params: Mapped[str] = mapped_column(Text)  # JSON object
    multiplier: Mapped[float] = mapped_column(Float)
    description: Mapped[str] = mapped_column(Text)


class ObservationRow(Base):
    """A value of an indicator for an organisation over a period (``YYYY-MM`` or ``YYYY``)."""

    __tablename__ = "observations"
    __table_args__ = (UniqueConstraint("org_code", "indicator_id", "period"),
                      Index("ix_observations_indicator_period", "indicator_id", "period"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    org_code: Mapped[str] = mapped_column(ForeignKey("src_organisations.org_code"))
    indicator_id: Mapped[str] = mapped_column(ForeignKey("indicators.id"))
    period: Mapped[str] = mapped_column(String(7))
    period_start: Mapped[dt.date] = mapped_column(Date)
    numerator: Mapped[float] = mapped_column(Float)
    denominator: Mapped[float | None] = mapped_column(Float)
    expected: Mapped[float | None] = mapped_column(Float)
    value: Mapped[float | None] = mapped_column(Float)
    load_id: Mapped[int | None] = mapped_column(ForeignKey("load_log.id"))


_SQL_TYPES = {"str": Text, "int": BigInteger, "float": Float, "bool": Boolean, "date": Date,
              "month": lambda: String(7)}


def source_table_name(source: Source) -> str:
    return f"src_{source.name}"


def _source_table(source: Source, metadata: MetaData) -> Table:
    columns = []
    for col in source.columns:
        fk = []
        if col.name == source.org_column and source.name != "organisations":
            fk = [ForeignKey("src_organisations.org_code")]
        columns.append(Column(col.name, _SQL_TYPES[col.type](), *fk, primary_key=col.name in source.key,
                              nullable=col.nullable or col.name in source.synthetic_only,
                              autoincrement=False, comment=col.description[:200]))
    columns += [
        Column("load_id", Integer, ForeignKey("load_log.id"), nullable=False),
        Column("line", BigInteger, nullable=False, comment="Physical line in the file (header = 1)."),
        Column("period", String(7), nullable=True, index=True,
               comment="Period (YYYY-MM or YYYY) the row belongs to, for replacement."),
    ]
    return Table(source_table_name(source), metadata, *columns, comment=source.description[:200])


SOURCE_TABLES: dict[str, Table] = {
    s.name: _source_table(s, Base.metadata) for s in SOURCES.values() if not s.large
}

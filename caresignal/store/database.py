"""Engines for the store: any SQLAlchemy URL, SQLite by default, with the settings each backend needs.

SQLite enforces foreign keys only when asked (``PRAGMA foreign_keys = ON`` on every connection), so the
engine turns it on; PostgreSQL always enforces them. The warehouse of Parquet files for the large
sources lives beside the store: ``$CARESIGNAL_WAREHOUSE`` when set, else ``<dir of the SQLite
file>/warehouse``, else ``./warehouse`` for server databases.
"""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from caresignal.domain.errors import OptionError

WAREHOUSE_ENV = "CARESIGNAL_WAREHOUSE"


def parse_url(url: str):
    """The parsed SQLAlchemy URL, or an ``OptionError`` that shows what a URL looks like."""
    try:
        return make_url(url)
    except ArgumentError:
        raise OptionError(f"database URL {url!r} is not a SQLAlchemy URL; use e.g. "
                          "sqlite:///caresignal.db or postgresql+psycopg://user@host/db") from None


def sqlite_path(url: str) -> Path | None:
    """The file of a file-backed SQLite URL, else None (in-memory SQLite or a server database)."""
    parsed = parse_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database)


def make_engine(url: str) -> Engine:
    """An engine for ``url``; for SQLite the file's folder is created and foreign keys are enforced."""
    parsed = parse_url(url)
    path = sqlite_path(url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    try:
        engine = create_engine(parsed)
    except (ImportError, ArgumentError) as exc:  # unknown dialect or driver not installed
        raise OptionError(f"cannot use database URL {parsed.render_as_string()}: {exc}") from None
    if parsed.get_backend_name() == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.close()


def default_warehouse(url: str) -> Path:
    """Where accepted Parquet of the large sources goes for the store at ``url``."""
    if os.environ.get(WAREHOUSE_ENV):
        return Path(os.environ[WAREHOUSE_ENV])
    path = sqlite_path(url)
    if path is not None:
        return path.resolve().parent / "warehouse"
    return Path.cwd() / "warehouse"

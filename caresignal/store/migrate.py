"""Upgrade a store to the newest schema with Alembic, programmatically (no alembic.ini needed).

>>> migrate("sqlite:///caresignal.db")  # doctest: +SKIP

The migration scripts live in ``caresignal/store/migrations/versions``; the first one creates every
table. ``alembic_config`` is also what ``alembic revision --autogenerate`` needs when the models change.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from caresignal.domain.errors import CareSignalError
from caresignal.store.database import make_engine

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def head_revision() -> str:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def migrate_engine(engine: Engine) -> None:
    """Upgrade the database behind ``engine`` to head in one transaction (a no-op when up to date)."""
    try:
        if current_revision(engine) == head_revision():
            return
        cfg = alembic_config()
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
    except SQLAlchemyError as exc:
        raise CareSignalError(f"cannot migrate the store at {engine.url.render_as_string()}: "
                              f"{_first_line(exc)}") from None


def migrate(url: str) -> None:
    """Upgrade the store at the SQLAlchemy ``url`` to the newest schema."""
    engine = make_engine(url)
    try:
        migrate_engine(engine)
    finally:
        engine.dispose()


def _first_line(exc: Exception) -> str:
    orig = getattr(exc, "orig", None) or exc
    return str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__

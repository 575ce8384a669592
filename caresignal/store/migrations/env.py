"""Alembic environment for the store. Run through ``caresignal.store.migrate(url)``; no alembic.ini.

The caller passes an open connection in ``config.attributes["connection"]`` so that migrations run in
the caller's transaction and on any backend (SQLite, PostgreSQL).
"""

from __future__ import annotations

from alembic import context

from caresignal.store.models import Base

target_metadata = Base.metadata


def run_migrations_online() -> None:
    connection = context.config.attributes["connection"]
    context.configure(connection=connection, target_metadata=target_metadata,
                      render_as_batch=connection.dialect.name == "sqlite", compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():  # pragma: no cover - offline SQL scripts are not supported
    raise RuntimeError("caresignal migrations run online only: call caresignal.store.migrate(url)")
run_migrations_online()

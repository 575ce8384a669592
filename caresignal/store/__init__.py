"""CareSignal store layer (see DESIGN.md): SQLAlchemy models, Alembic migrations, the ``Store`` API."""

from caresignal.store.migrate import migrate
from caresignal.store.records import LoadLogEntry, QuarantineEntry
from caresignal.store.repository import Store

__all__ = ["Store", "migrate", "LoadLogEntry", "QuarantineEntry"]

"""The x axis of a chart: labels as given, and comparable keys when the labels are dates or numbers."""

from __future__ import annotations

import datetime as dt
from typing import Any, Sequence

import numpy as np


def _as_datetime(value: Any) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    if isinstance(value, np.datetime64):
        return value.astype("datetime64[us]").astype(dt.datetime)
    if isinstance(value, str):
        text = value.strip()
        if len(text) < 8 or not text[:4].isdigit():
            return None
        try:
            return dt.datetime.fromisoformat(text)
        except ValueError:
            return None
    return None


def _as_number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float, np.integer, np.floating)):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


def order_keys(labels: Sequence[Any]) -> tuple[str, list] | None:
    """``("date", keys)`` or ``("number", keys)`` when every label parses as one kind, else None."""
    labels = list(labels)
    dates = [_as_datetime(v) for v in labels]
    if labels and all(d is not None for d in dates):
        # a mix of aware and naive datetimes cannot be compared; drop the zone (local wall time)
        return "date", [d.replace(tzinfo=None) for d in dates]
    numbers = [_as_number(v) for v in labels]
    if labels and all(n is not None for n in numbers):
        return "number", numbers
    return None


def key_of(value: Any, kind: str):
    """The key of one label of the given kind, or None if it is not of that kind."""
    if kind == "date":
        d = _as_datetime(value)
        return None if d is None else d.replace(tzinfo=None)
    return _as_number(value)


def label(value: Any) -> Any:
    """A JSON-friendly label: dates as ISO text, numpy scalars as Python values."""
    if isinstance(value, np.datetime64):
        value = _as_datetime(value)
    if isinstance(value, dt.datetime) and value.time() == dt.time(0) and value.tzinfo is None:
        return value.date().isoformat()
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, np.generic):
        return value.item()
    return value

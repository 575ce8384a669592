"""What every statistics-core method shares: validated choices, clean arrays, and results objects.

Results are frozen dataclasses that carry their evidence (estimates, limits, rule fired, method and
parameters, n, warnings). ``to_dict()`` gives plain JSON-ready values; ``summary()`` gives a short text
that every channel (CLI, API, PDF) renders the same way.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any, Iterable

import numpy as np

from caresignal.domain.errors import OptionError


def check_choice(name: str, value: Any, allowed: Iterable[Any]) -> Any:
    """Return ``value`` if it is one of ``allowed``; otherwise say which are allowed.

    The one "must be one of" check of the package, for estimator arguments (``name`` is the
    argument, e.g. ``reset``) and CLI options alike (``name`` is the option, e.g. ``--method``).
    The message reads ``<name> must be one of a, b, c; got 'x'``: the allowed values unquoted,
    as a user would type them, and the value received as its ``repr`` so that an empty string or
    stray spaces show.

    Raises
    ------
    OptionError
        When ``value`` is not among ``allowed``.
    """
    allowed = tuple(allowed)
    if value not in allowed:
        shown = ", ".join(str(a) for a in allowed)
        raise OptionError(f"{name} must be one of {shown}; got {value!r}")
    return value


def check_array(name: str, values: Any, *, allow_nan: bool = False, min_length: int = 0,
                nonnegative: bool = False) -> np.ndarray:
    """A 1-d float array, with a message naming the argument when it is not usable."""
    arr = np.asarray(values, dtype=float)
    if arr.ndim != 1:
        raise OptionError(f"{name} must be one-dimensional; got shape {arr.shape}")
    if arr.size < min_length:
        raise OptionError(f"{name} needs at least {min_length} values; got {arr.size}")
    if not allow_nan and np.isnan(arr).any():
        first = int(np.flatnonzero(np.isnan(arr))[0])
        raise OptionError(f"{name} contains a missing value (NaN) at position {first + 1}")
    if np.isinf(arr).any():
        first = int(np.flatnonzero(np.isinf(arr))[0])
        raise OptionError(f"{name} contains an infinite value at position {first + 1}")
    if nonnegative and (arr[~np.isnan(arr)] < 0).any():
        first = int(np.flatnonzero(arr < 0)[0])
        raise OptionError(f"{name} must not be negative; position {first + 1} is {arr[first]}")
    return arr


def check_same_length(**arrays: np.ndarray) -> None:
    lengths = {k: len(v) for k, v in arrays.items() if v is not None}
    if len(set(lengths.values())) > 1:
        shown = ", ".join(f"{k}={n}" for k, n in lengths.items())
        raise OptionError(f"inputs must have the same length; got {shown}")


def jsonable(obj: Any) -> Any:
    """Plain Python values for JSON: arrays to lists, NaN/inf to None, numpy scalars to Python."""
    if isinstance(obj, np.ndarray):
        return [jsonable(v) for v in obj.tolist()]
    if isinstance(obj, (np.floating, float)):
        f = float(obj)
        return f if math.isfinite(f) else None
    if isinstance(obj, (np.integer,)):
        return int(obj)
    if isinstance(obj, (np.bool_,)):
        return bool(obj)
    if isinstance(obj, dict):
        return {str(k): jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [jsonable(v) for v in obj]
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: jsonable(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    return obj


class Result:
    """Mixin for frozen dataclass results: ``to_dict()`` and a default ``summary()``."""

    def to_dict(self) -> dict:
        return jsonable(self)

    def summary(self) -> str:  # subclasses give a better one
        fields = dataclasses.fields(self)  # type: ignore[arg-type]
        scalars = [f"{f.name}={getattr(self, f.name)!r}" for f in fields
                   if isinstance(getattr(self, f.name), (str, int, float, bool, type(None)))]
        return f"{type(self).__name__}(" + ", ".join(scalars) + ")"

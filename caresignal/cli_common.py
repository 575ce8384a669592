"""What every CLI command shares: one way to turn known errors into a message and an exit code."""

from __future__ import annotations

import functools
from typing import Callable

import typer

from caresignal.domain.errors import CareSignalError


def fail(message: str, code: int = 2) -> None:
    typer.echo(message, err=True)
    raise typer.Exit(code)


def friendly_errors(func: Callable) -> Callable:
    """Turn CareSignal's own errors, missing files and Ctrl-C into a one-line message and exit 2."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except CareSignalError as exc:
            fail(str(exc))
        except FileNotFoundError as exc:
            fail(f"{exc.filename}: no such file")
        except KeyboardInterrupt:
            fail("interrupted", 130)

    return wrapper

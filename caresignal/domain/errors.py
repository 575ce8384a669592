"""Errors and warnings that every layer raises and the CLI, API and web turn into one clear message.

An ``InputError`` says what is wrong and where: file, physical line (the header is line 1), column.
The CLI prints ``str(error)`` to stderr and exits with status 2; nothing prints a traceback.
"""

from __future__ import annotations


class CareSignalError(Exception):
    """Base of every error CareSignal raises on purpose (bad input, bad option, missing data)."""


class InputError(CareSignalError):
    """Bad input data, located as precisely as is known.

    ``str()`` reads like ``f.csv: column 'y', line 4: 'abc' is not a number``.
    """

    def __init__(self, message: str, *, file: str | None = None, line: int | None = None,
                 column: str | None = None):
        self.message = message
        self.file = file
        self.line = line
        self.column = column
        super().__init__(str(self))

    def __str__(self) -> str:
        where = []
        if self.column is not None:
            where.append(f"column {self.column!r}")
        if self.line is not None:
            where.append(f"line {self.line}")
        prefix = f"{self.file}: " if self.file else ""
        loc = ", ".join(where)
        return f"{prefix}{loc}: {self.message}" if loc else f"{prefix}{self.message}"


class OptionError(CareSignalError):
    """An option or parameter has a value that is not allowed; the message lists what is."""


class CareSignalWarning(UserWarning):
    """Base of CareSignal's warnings (statistical caveats worth showing to an analyst)."""


class TooFewPointsWarning(CareSignalWarning):
    """Too few points for reliable limits (SPC trial limits, small funnels)."""


class OverdispersionWarning(CareSignalWarning):
    """Overdispersion estimate is unreliable or was not applied."""


class SeparationWarning(CareSignalWarning):
    """A model had (quasi-)separation; a penalised fit or merged levels were used."""

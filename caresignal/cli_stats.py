"""``caresignal stats ...``: the statistics core on a CSV file, as JSON. A stable contract.

Errors go to stderr with exit status 2 and one line such as
``f.csv: column 'y', line 4: 'abc' is not a number`` (physical line; the header is line 1).
The commands (one module per method family: cli_spc, cli_funnel, cli_cusum) only read the file, call
``caresignal.stats`` and print the result.
"""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path
from typing import Annotated

import typer

from caresignal.domain.errors import InputError

stats_app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False)

# Options that read the same on every stats command, declared once (Typer copies the OptionInfo
# for each command that uses the alias, so sharing it is safe).
JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON instead of a summary.")]


class CsvTable:
    """A CSV file read as text, remembering each row's physical line for error messages."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.name = str(path)
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            raise InputError("no such file", file=self.name) from None
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            raise InputError("is not valid UTF-8 text", file=self.name, line=line) from None
        reader = csv.reader(text.splitlines(keepends=True))
        rows: list[tuple[int, list[str]]] = []
        header: list[str] | None = None
        for record in reader:
            line = reader.line_num  # physical line where this record ends
            if header is None:
                header = [h.strip() for h in record]
                continue
            if not any(cell.strip() for cell in record):
                continue
            rows.append((line, record))
        if header is None:
            raise InputError("the file is empty (no header line)", file=self.name)
        self.header = header
        self.rows = rows

    def _index(self, column: str) -> int:
        if column not in self.header:
            raise InputError(f"no column {column!r}; columns are {', '.join(self.header)}", file=self.name)
        return self.header.index(column)

    def text(self, column: str) -> list[str]:
        i = self._index(column)
        out = []
        for line, record in self.rows:
            if i >= len(record):
                raise InputError("the row has too few fields", file=self.name, line=line, column=column)
            out.append(record[i].strip())
        return out

    def numbers(self, column: str, *, allow_missing: bool = False) -> list[float]:
        """Floats of a column; a blank cell is NaN only when ``allow_missing``."""
        i = self._index(column)
        out = []
        for line, record in self.rows:
            cell = record[i].strip() if i < len(record) else ""
            if cell == "" or cell.upper() in {"NA", "NAN"}:
                if allow_missing:
                    out.append(math.nan)
                    continue
                raise InputError("value is missing", file=self.name, line=line, column=column)
            try:
                value = float(cell)
            except ValueError:
                raise InputError(f"{cell!r} is not a number", file=self.name, line=line,
                                 column=column) from None
            if math.isinf(value):
                raise InputError(f"{cell!r} is not a finite number", file=self.name, line=line,
                                 column=column)
            out.append(value)
        return out

    def line_of(self, row_index: int) -> int:
        return self.rows[row_index][0]


def print_json(payload: dict) -> None:
    """Print a result as JSON; NaN and infinities become null (JSON has no NaN)."""

    def clean(obj):
        if isinstance(obj, float) and not math.isfinite(obj):
            return None
        if isinstance(obj, dict):
            return {k: clean(v) for k, v in obj.items()}
        if isinstance(obj, (list, tuple)):
            return [clean(v) for v in obj]
        return obj

    typer.echo(json.dumps(clean(payload), indent=None))

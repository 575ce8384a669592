"""What a load did, file by file: the object ``caresignal load`` prints with ``summary()``."""

from __future__ import annotations

from dataclasses import dataclass, field

SHOWN_PROBLEMS = 5  # problems listed per file in the summary; the rest are in the store's quarantine


@dataclass
class FileResult:
    """The outcome of loading one file (``status`` as in the load log, or ``ignored``)."""

    file: str
    source: str | None
    status: str
    rows_read: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    periods: list[str] = field(default_factory=list)
    replaced_periods: list[str] = field(default_factory=list)
    observations: int = 0
    message: str | None = None
    problems: list[dict] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status in ("loaded", "replaced", "unchanged", "ignored") and not self.rows_quarantined

    def line(self) -> str:
        if self.status == "unchanged":
            text = f"{self.file}: unchanged (same SHA-256 as the version loaded); nothing written"
            return text + (f"; {self.message}" if self.message else "")
        if self.status in ("rejected", "failed"):
            return f"{self.file}: {self.status}: {self.message}"
        if self.status == "ignored":
            return f"{self.file}: ignored: {self.message}"
        span = _span(self.periods)
        text = (f"{self.file}: {self.status} {self.rows_loaded:,} of {self.rows_read:,} rows"
                f"{f' ({span})' if span else ''}")
        if self.replaced_periods:
            text += f", replacing {_span(self.replaced_periods)}"
        if self.rows_quarantined:
            text += f", {self.rows_quarantined:,} quarantined"
        if self.observations:
            text += f"; {self.observations:,} observations derived"
        return text


def _span(periods: list[str]) -> str:
    if not periods:
        return ""
    if len(periods) == 1:
        return periods[0]
    return f"{periods[0]} to {periods[-1]}, {len(periods)} periods"


@dataclass
class LoadReport:
    """Every file's outcome. ``ok`` is False when anything was rejected, failed or quarantined."""

    directory: str
    database: str
    files: list[FileResult] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(f.ok for f in self.files)

    def by_file(self, name: str) -> FileResult:
        for f in self.files:
            if f.file == name:
                return f
        raise KeyError(name)

    def summary(self) -> str:
        lines = [f"Loading {self.directory} into {self.database}"]
        for f in self.files:
            lines.append("  " + f.line())
            for p in f.problems[:SHOWN_PROBLEMS]:
                col = f"column {p['column']!r}, " if p.get("column") else ""
                val = f" (found {p['value']!r})" if p.get("value") is not None else ""
                lines.append(f"    {f.file}: {col}line {p['line']}: {p['reason']}{val}")
            if len(f.problems) > SHOWN_PROBLEMS:
                lines.append(f"    ... {len(f.problems) - SHOWN_PROBLEMS:,} more problems in the quarantine "
                             f"(Store.quarantine(file={f.file!r}))")
        n_q = sum(f.rows_quarantined for f in self.files)
        bad = [f for f in self.files if f.status in ("rejected", "failed")]
        if self.ok:
            lines.append(f"OK: {len(self.files)} file(s) processed, nothing rejected or quarantined.")
        else:
            lines.append(f"NOT OK: {len(bad)} file(s) rejected or failed, {n_q:,} row(s) quarantined.")
        return "\n".join(lines)

"""The indicator registry: one definition of every indicator, read from ``indicators.toml`` (data).

Each ``[[indicator]]`` gives what the dashboard and the statistics need (id, name, domain, source, unit,
improvement direction, method and its parameters, display multiplier, description) and a ``[derive]``
table saying how each monthly (or yearly) observation comes from its source, as SQL expressions that the
ingest layer evaluates with DuckDB over the loaded rows::

    period      column giving the period: a date -> month YYYY-MM, a month -> itself, an int -> year YYYY
    columns     optional {name = "expression"} added to every row first (window functions allowed)
    where       optional row filter
    numerator   aggregate expression per organisation and period
    denominator optional aggregate expression (required for proportions and rates)
    expected    optional aggregate expression (ratios: value = numerator / expected)
    denominator_source  optional {source, period, expression, where}: the denominator comes from another
                source; every organisation-period of that source gets an observation (numerator 0 if none)
    zero_fill   counts only: organisations x months in the source's span with no rows get numerator 0

The value of an observation is numerator/expected for ratios, numerator/denominator when there is a
denominator, and the numerator otherwise.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from caresignal.domain.errors import InputError
from caresignal.domain.records import Improvement, Indicator
from caresignal.domain.sources import SOURCES

REGISTRY_FILE = Path(__file__).resolve().parent / "indicators.toml"
UNITS = ("proportion", "rate", "count", "ratio", "score", "days")
DOMAINS = ("safe", "effective", "caring", "responsive", "well_led")
ID_PATTERN = re.compile(r"[a-z][a-z0-9_]{1,63}")
_REQUIRED = ("id", "name", "domain", "source", "unit", "improvement", "method", "description")
_OPTIONAL = ("params", "multiplier", "derive")
# Indicators with params.engine = "outcomes" are computed by the outcomes engine (caresignal/engine/,
# surveillance/outcomes.py), not derived by SQL at load: they have no [derive] table.
ENGINE_COMPUTED = "outcomes"
_DERIVE_KEYS = {"period", "columns", "where", "numerator", "denominator", "expected", "denominator_source",
                "zero_fill"}


@dataclass(frozen=True)
class DenominatorSource:
    source: str
    period: str
    expression: str
    where: str | None = None


@dataclass(frozen=True)
class Derivation:
    """How observations of one indicator are computed from its source (see the module docstring)."""

    indicator_id: str
    source: str
    period: str
    numerator: str
    denominator: str | None = None
    expected: str | None = None
    where: str | None = None
    columns: dict = field(default_factory=dict)
    denominator_source: DenominatorSource | None = None
    zero_fill: bool = False
    unit: str = "proportion"

    @property
    def sources(self) -> tuple[str, ...]:
        """Every source the derivation reads: a new version of any of them recomputes it."""
        extra = (self.denominator_source.source,) if self.denominator_source else ()
        return (self.source, *extra)

    @property
    def grain(self) -> str:
        return "year" if SOURCES[self.source].column(self.period).type == "int" else "month"


@dataclass(frozen=True)
class Registry:
    indicators: tuple[Indicator, ...]
    derivations: dict[str, Derivation]

    def indicator(self, indicator_id: str) -> Indicator:
        for ind in self.indicators:
            if ind.id == indicator_id:
                return ind
        raise KeyError(indicator_id)

    def depending_on(self, source_name: str) -> list[Derivation]:
        """Derivations that read ``source_name`` (so must be recomputed when it changes)."""
        return [d for d in self.derivations.values() if source_name in d.sources]


def load_registry(path: str | Path | None = None) -> Registry:
    """Read and validate the registry (default: the packaged ``indicators.toml``)."""
    path = Path(path) if path is not None else REGISTRY_FILE
    name = path.name
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError("indicator registry not found", file=str(path)) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"not valid TOML: {exc}", file=name) from None
    entries = data.get("indicator")
    if not isinstance(entries, list) or not entries:
        raise InputError("no [[indicator]] entries", file=name)
    indicators, derivations = [], {}
    for i, entry in enumerate(entries, start=1):
        ind, der = _parse_entry(entry, f"{name} [[indicator]] #{i}")
        if any(ind.id == seen.id for seen in indicators):
            raise InputError(f"duplicate indicator id {ind.id!r}", file=name)
        indicators.append(ind)
        if der is not None:
            derivations[ind.id] = der
    return Registry(tuple(indicators), derivations)


def _parse_entry(entry: dict, where: str) -> tuple[Indicator, Derivation]:
    missing = [k for k in _REQUIRED if k not in entry]
    if missing:
        raise InputError(f"missing key(s) {', '.join(missing)}", file=where)
    unknown = sorted(set(entry) - set(_REQUIRED) - set(_OPTIONAL))
    if unknown:
        raise InputError(f"unknown key(s) {', '.join(unknown)}; allowed: "
                         f"{', '.join(_REQUIRED + _OPTIONAL)}", file=where)
    where = f"{where} ({entry['id']})"
    if not ID_PATTERN.fullmatch(str(entry["id"])):
        raise InputError(f"id {entry['id']!r} must be lower-case letters, digits and _", file=where)
    _choice(where, "unit", entry["unit"], UNITS)
    _choice(where, "domain", entry["domain"], DOMAINS)
    _choice(where, "improvement", entry["improvement"], tuple(i.value for i in Improvement))
    _choice(where, "source", entry["source"], tuple(SOURCES))
    params = entry.get("params", {})
    if not isinstance(params, dict):
        raise InputError("params must be a table", file=where)
    multiplier = float(entry.get("multiplier", 1.0))
    indicator = Indicator(id=entry["id"], name=entry["name"], domain=entry["domain"], source=entry["source"],
                          unit=entry["unit"], improvement=Improvement(entry["improvement"]),
                          method=entry["method"], params=params, description=entry["description"].strip(),
                          multiplier=multiplier)
    if "derive" not in entry:
        if params.get("engine") != ENGINE_COMPUTED:
            raise InputError("missing key(s) derive", file=where)
        return indicator, None
    return indicator, _parse_derive(entry["derive"], indicator, where)


def _parse_derive(d: dict, ind: Indicator, where: str) -> Derivation:
    unknown = sorted(set(d) - _DERIVE_KEYS)
    if unknown:
        raise InputError(f"derive: unknown key(s) {', '.join(unknown)}; allowed: "
                         f"{', '.join(sorted(_DERIVE_KEYS))}", file=where)
    for key in ("period", "numerator"):
        if key not in d:
            raise InputError(f"derive: missing {key!r}", file=where)
    source = SOURCES[ind.source]
    _choice(where, "derive.period", d["period"], source.column_names)
    if source.column(d["period"]).type not in ("date", "month", "int"):
        raise InputError(f"derive.period {d['period']!r} must be a date, month or year column", file=where)
    den_src = None
    if "denominator_source" in d:
        ds = d["denominator_source"]
        _choice(where, "derive.denominator_source.source", ds.get("source"), tuple(SOURCES))
        _choice(where, "derive.denominator_source.period", ds.get("period"),
                SOURCES[ds["source"]].column_names)
        if "expression" not in ds:
            raise InputError("derive.denominator_source: missing 'expression'", file=where)
        den_src = DenominatorSource(ds["source"], ds["period"], ds["expression"], ds.get("where"))
    has_den = "denominator" in d or den_src is not None
    if "denominator" in d and den_src is not None:
        raise InputError("derive: give denominator or denominator_source, not both", file=where)
    if ind.unit in ("proportion", "rate") and not has_den:
        raise InputError(f"derive: a {ind.unit} needs a denominator", file=where)
    if ind.unit == "ratio" and "expected" not in d:
        raise InputError("derive: a ratio needs an expected expression", file=where)
    zero_fill = bool(d.get("zero_fill", False))
    if zero_fill and ind.unit != "count":
        raise InputError("derive: zero_fill applies to counts only", file=where)
    columns = d.get("columns", {})
    if not isinstance(columns, dict):
        raise InputError("derive.columns must be a table of name = expression", file=where)
    return Derivation(indicator_id=ind.id, source=ind.source, period=d["period"], numerator=d["numerator"],
                      denominator=d.get("denominator"), expected=d.get("expected"), where=d.get("where"),
                      columns=dict(columns), denominator_source=den_src, zero_fill=zero_fill, unit=ind.unit)


def _choice(where: str, key: str, value, allowed: tuple) -> None:
    if value not in allowed:
        raise InputError(f"{key} must be one of {', '.join(map(str, allowed))}; got {value!r}", file=where)


def registry_table_markdown(registry: Registry | None = None) -> str:
    """The table of indicators for ``docs/indicators.md``, generated from the registry."""
    registry = registry or load_registry()
    lines = ["| id | name | domain | source | unit | better | method | per | computed |",
             "|---|---|---|---|---|---|---|---|---|"]
    for ind in registry.indicators:
        per = "" if ind.multiplier == 1 else f"{ind.multiplier:g}"
        how = "at load" if ind.id in registry.derivations else "by the engine"
        lines.append(f"| `{ind.id}` | {ind.name} | {ind.domain} | {ind.source} | {ind.unit} | "
                     f"{ind.improvement.value} | {ind.method} | {per} | {how} |")
    return "\n".join(lines) + "\n"


DOCS_START = "<!-- indicators:start (generated by caresignal.domain.registry.write_docs_table) -->"
DOCS_END = "<!-- indicators:end -->"


def write_docs_table(doc: str | Path, registry: Registry | None = None) -> bool:
    """Rewrite the generated table between the markers of ``doc``; returns True when it changed."""
    doc = Path(doc)
    text = doc.read_text(encoding="utf-8")
    start, end = text.index(DOCS_START) + len(DOCS_START), text.index(DOCS_END)
    new = text[:start] + "\n" + registry_table_markdown(registry) + text[end:]
    if new != text:
        doc.write_text(new, encoding="utf-8")
    return new != text

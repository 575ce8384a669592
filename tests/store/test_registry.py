"""The indicator registry: loads, validates with located messages, every derivation runs, docs current."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa
import pytest

from caresignal.domain.errors import InputError
from caresignal.domain.registry import DOCS_END, DOCS_START, load_registry, registry_table_markdown
from caresignal.domain.sources import SOURCES
from caresignal.ingest import derive as D

REPO = Path(__file__).resolve().parents[2]
_ARROW = {"str": pa.string(), "int": pa.int64(), "float": pa.float64(), "bool": pa.bool_(),
          "date": pa.date32(), "month": pa.string()}
ENTRY = '''[[indicator]]
id = "x_rate"
name = "X"
domain = "safe"
source = "ae_monthly"
unit = "proportion"
improvement = "decrease"
method = "funnel"
description = "d"
[indicator.derive]
period = "month"
numerator = "sum(breaches_type1)"
denominator = "sum(attendances_type1)"
'''


def test_the_registry_loads_with_unique_ids():
    reg = load_registry()
    ids = [i.id for i in reg.indicators]
    assert len(ids) == len(set(ids)) and len(reg.derivations) >= 40
    assert {d.grain for d in reg.derivations.values()} == {"month", "year"}
    assert {d.indicator_id for d in reg.depending_on("admissions")} >= {
        "mortality_30d_crude", "complaints_per_1000_spells", "readmission_30d_emergency"}


def test_every_derivation_runs_on_empty_sources():
    """Binds every expression against the schema columns: a typo in indicators.toml fails here."""
    con = duckdb.connect()
    for name, source in SOURCES.items():
        con.register(f"rel_{name}", pa.schema([(c.name, _ARROW[c.type]) for c in source.columns]).empty_table())
    for d in load_registry().derivations.values():
        assert D.derive(con, d, lambda s: f"rel_{s}") == [], d.indicator_id


@pytest.mark.parametrize("old, new, message", [
    ('unit = "proportion"', 'unit = "percent"', "unit must be one of proportion"),
    ('period = "month"', 'period = "nope"', "derive.period must be one of org_code, month"),
    ('denominator = "sum(attendances_type1)"\n', "", "a proportion needs a denominator"),
    ('method = "funnel"\n', "", "missing key(s) method"),
    ('domain = "safe"', 'domain = "safe"\ncolour = "red"', "unknown key(s) colour"),
])
def test_bad_entries_are_located(tmp_path, old, new, message):
    path = tmp_path / "bad.toml"
    path.write_text(ENTRY.replace(old, new))
    with pytest.raises(InputError, match="bad.toml") as err:
        load_registry(path)
    assert message in str(err.value)


def test_duplicate_ids_are_refused(tmp_path):
    path = tmp_path / "dupe.toml"
    path.write_text(ENTRY + "\n" + ENTRY)
    with pytest.raises(InputError, match="duplicate indicator id 'x_rate'"):
        load_registry(path)


def test_the_docs_table_is_up_to_date():
    text = (REPO / "docs" / "indicators.md").read_text(encoding="utf-8")
    table = text[text.index(DOCS_START) + len(DOCS_START):text.index(DOCS_END)]
    assert table.strip() == registry_table_markdown().strip(), (
        "docs/indicators.md is out of date: run caresignal.domain.registry.write_docs_table('docs/indicators.md')")

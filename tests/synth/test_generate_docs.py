"""docs/data-sources.md is generated from the schemas and must be kept up to date."""

from __future__ import annotations

from pathlib import Path

from caresignal.domain.schema_docs import render_markdown
from caresignal.domain.sources import SOURCES

DOC = Path(__file__).resolve().parents[2] / "docs" / "data-sources.md"


def test_data_sources_page_is_up_to_date():
    assert DOC.read_text(encoding="utf-8") == render_markdown(), (
        "docs/data-sources.md is out of date: run "
        ".venv/bin/python -m caresignal.domain.schema_docs docs/data-sources.md")


def test_every_source_and_column_is_documented():
    text = render_markdown()
    for src in SOURCES.values():
        assert f"## `{src.file}`" in text
        for col in src.columns:
            assert f"| `{col.name}` |" in text

"""docs/dashboard.md documents every route, and its examples match what the running app returns."""

from __future__ import annotations

import json
import re

from caresignal.web.docgen import EXAMPLE, placeholders

DOC = __import__("pathlib").Path(__file__).resolve().parents[2] / "docs" / "dashboard.md"


def keys(value, path="") -> set[str]:
    """Every key path in a JSON value (list items merged), e.g. ``organisations[].org_code``."""
    out: set[str] = set()
    if isinstance(value, dict):
        for k, v in value.items():
            here = f"{path}.{k}" if path else k
            # an indicator's method parameters differ from one indicator to the next: opaque here
            out |= {here} | (set() if k == "params" else keys(v, here))
    elif isinstance(value, list):
        for v in value:
            out |= keys(v, path + "[]")
    return out


def test_every_route_is_documented(app):
    text = DOC.read_text(encoding="utf-8")
    routes = list(app.openapi()["paths"])  # every route the app declares (pages and API)
    assert len(routes) >= 8
    missing = [p for p in routes if f"`{p}`" not in text and f"GET {p}`" not in text]
    assert not missing, f"undocumented routes in {DOC.name}: {missing}"


def test_examples_have_the_keys_of_the_live_responses(http, store):
    text = DOC.read_text(encoding="utf-8")
    values = placeholders(store)
    examples = list(EXAMPLE.finditer(text))
    assert len(examples) >= 6
    for match in examples:
        block = match.group(0)[len(match.group(1)):]
        shown = re.fullmatch(r"```\nGET (\S+)\nHTTP (\d+)\n(.*)\n```", block, re.S)
        assert shown, f"example {match.group('template')} is empty: run caresignal.web.docgen"
        documented = json.loads(shown.group(3))
        live = http.get(match.group("template").format(**values))
        status = int(shown.group(2))
        assert live.status_code == status, match.group("template")
        assert keys(documented) == keys(live.json()), match.group("template")

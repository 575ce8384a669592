"""Regenerate the API examples in ``docs/dashboard.md`` from the running application.

Each example in the page is a marker followed by a fenced block::

    <!-- example: /api/organisations/{org} -->
    ```
    GET /api/organisations/ZA1
    {...the response, lists cut to their first items...}
    ```

``{org}`` is the first organisation of the store and ``{indicator}`` the first headline indicator it
has data for, so the examples work on whatever dataset the app serves. Run::

    python -m caresignal.web.docgen sqlite:///data/demo/caresignal.db docs/dashboard.md

``tests/web/test_docs.py`` checks that every route is documented and that each example has the same
keys as the live response.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

EXAMPLE = re.compile(r"(<!-- example: (?P<template>\S+) -->\n)```[a-z]*\n.*?```", re.S)
LIST_ITEMS_SHOWN = 2  # lists in examples are cut to this many items; the text says how many there were


def placeholders(store) -> dict[str, str]:
    """Values for ``{org}`` and ``{indicator}`` taken from the store."""
    from caresignal.web.listing import headline_indicators

    org = store.organisations()[0].org_code
    have = {o.indicator_id for o in store.latest_observations(org_code=org)}
    headline = [i.id for i in headline_indicators(store.indicators()) if i.id in have]
    return {"org": org, "indicator": headline[0] if headline else sorted(have)[0]}


def shorten(value):
    """The response with every list cut to its first ``LIST_ITEMS_SHOWN`` items."""
    if isinstance(value, list):
        return [shorten(v) for v in value[:LIST_ITEMS_SHOWN]]
    if isinstance(value, dict):
        return {k: shorten(v) for k, v in value.items()}
    return value


def render_example(client, path: str) -> str:
    response = client.get(path)
    body = json.dumps(shorten(response.json()), indent=2, ensure_ascii=False)
    return f"```\nGET {path}\nHTTP {response.status_code}\n{body}\n```"


def regenerate(text: str, client, values: dict[str, str]) -> str:
    def replace(match: re.Match) -> str:
        path = match.group("template").format(**values)
        return match.group(1) + render_example(client, path)

    return EXAMPLE.sub(replace, text)


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: python -m caresignal.web.docgen DATABASE_URL docs/dashboard.md", file=sys.stderr)
        return 2
    import httpx

    from caresignal.web.app import create_app
    from caresignal.web.server import ServerThread

    app = create_app(argv[0])
    page = Path(argv[1])
    with ServerThread(app) as server, httpx.Client(base_url=server.url, timeout=30) as client:
        page.write_text(regenerate(page.read_text(encoding="utf-8"), client, placeholders(app.state.store)),
                        encoding="utf-8")
    print(f"regenerated the examples in {page}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main(sys.argv[1:]))

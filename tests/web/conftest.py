"""Fixtures for the dashboard and API tests: one real store, built once per session by the real loader
from real generated files, served by a real uvicorn server on 127.0.0.1, and a real Chromium.

Nothing of ours is mocked: the generator writes a small synthetic England (12 trusts, 14 months,
scale 0.002), ``load_directory`` validates and loads it, and the tests talk HTTP to the app.
"""

from __future__ import annotations

import os
import shutil
from html.parser import HTMLParser
from pathlib import Path

import httpx
import pytest

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("CARESIGNAL_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]

# Small but complete: every source, enough months for a latest period and a series (see the brief of
# issue 3: the web tests use a real store made by the real loader from real generated files).
SMALL_ENGLAND = dict(seed=7, trusts=12, months=14, start="2024-01", scale=0.002)


@pytest.fixture(scope="session")
def england_dir(tmp_path_factory) -> Path:
    """A small synthetic England written by the real generator."""
    from caresignal.synth.generate import generate_england

    out = tmp_path_factory.mktemp("england")
    generate_england(out, progress=False, **SMALL_ENGLAND)
    return out


@pytest.fixture(scope="session")
def database_url(england_dir, tmp_path_factory) -> str:
    """A SQLite store loaded from ``england_dir`` by the real loader."""
    from caresignal.ingest.load import load_directory

    db = tmp_path_factory.mktemp("store") / "caresignal.db"
    url = f"sqlite:///{db}"
    report = load_directory(england_dir, url)
    assert report.ok, report.summary()
    return url


@pytest.fixture(scope="session")
def store(database_url):
    from caresignal.store.repository import Store

    with Store(database_url) as s:
        yield s


@pytest.fixture(scope="session")
def app(database_url):
    from caresignal.web.app import create_app

    return create_app(database_url)


@pytest.fixture(scope="session")
def live_server(app):
    """The app served by uvicorn on a free port of 127.0.0.1 for the whole session."""
    from caresignal.web.server import ServerThread

    with ServerThread(app) as server:
        yield server


@pytest.fixture(scope="session")
def base_url(live_server) -> str:
    return live_server.url


@pytest.fixture(scope="session")
def http(base_url):
    with httpx.Client(base_url=base_url, timeout=30.0) as client:
        yield client


@pytest.fixture(scope="session")
def urls():
    from caresignal.web.urls import Urls

    return Urls()


# -- HTML --------------------------------------------------------------------------------------------


class _Cells(HTMLParser):
    """Collects the text of every element carrying ``data-indicator`` (or ``data-role``) with the
    ``data-org-code`` / ``data-indicator`` of its enclosing row."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.row_attrs: dict[str, str] = {}
        self.stack: list[tuple[str, dict]] = []
        self.cells: list[dict] = []
        self._capturing: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attrs = {k: (v or "") for k, v in attrs}
        if tag == "tr":
            self.row_attrs = attrs
        if tag in ("td", "th") and ("data-indicator" in attrs or "data-role" in attrs):
            cell = {"row": dict(self.row_attrs), "attrs": attrs, "text": ""}
            self.cells.append(cell)
            self._capturing.append(cell)
            self.stack.append((tag, cell))
        elif tag in ("td", "th"):
            self.stack.append((tag, None))

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.stack:
            _, cell = self.stack.pop()
            if cell is not None:
                self._capturing.remove(cell)
                cell["text"] = " ".join(cell["text"].split())

    def handle_data(self, data):
        for cell in self._capturing:
            cell["text"] += data


def html_cells(html: str) -> list[dict]:
    parser = _Cells()
    parser.feed(html)
    return parser.cells


@pytest.fixture(scope="session")
def cells():
    """``cells(html)`` -> every data cell: ``{"row": row attrs, "attrs": cell attrs, "text": text}``."""
    return html_cells


# -- browser -----------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright (never a downloaded browser)."""
    if not CHROMIUM.exists() or shutil.which(str(CHROMIUM)) is None:
        pytest.skip(f"Chromium not found at {CHROMIUM}: install it with "
                    "`apt-get install chromium` (make test does this in CI)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context()
    page = context.new_page()
    yield page
    context.close()

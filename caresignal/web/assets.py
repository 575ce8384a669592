"""Where the front-end assets live: the NHS.UK frontend from ``node_modules`` and our own small CSS.

``make setup`` installs ``nhsuk-frontend`` with npm into ``node_modules/`` at the top of the
repository. The dashboard serves its ``dist/nhsuk`` folder as it is, so the pages use the published
CSS and JavaScript of the NHS design system without a build step of our own.
"""

from __future__ import annotations

import os
from pathlib import Path

from caresignal.domain.errors import CareSignalError

NHSUK_VERSION = "10.6.1"  # pinned in package.json
NHSUK_CSS = f"nhsuk-frontend-{NHSUK_VERSION}.min.css"
NHSUK_JS = f"nhsuk-frontend-{NHSUK_VERSION}.min.js"
AXE_JS = Path("axe-core") / "axe.min.js"

PACKAGE_DIR = Path(__file__).resolve().parent
TEMPLATES_DIR = PACKAGE_DIR / "templates"
STATIC_DIR = PACKAGE_DIR / "static"
REPO_DIR = PACKAGE_DIR.parents[1]


class AssetsMissingError(CareSignalError):
    """The NHS.UK frontend is not installed where the dashboard looks for it."""


def node_modules() -> Path:
    """``$CARESIGNAL_NODE_MODULES`` if set, else ``node_modules`` beside the package's repository."""
    env = os.environ.get("CARESIGNAL_NODE_MODULES")
    return Path(env) if env else REPO_DIR / "node_modules"


def nhsuk_dist() -> Path:
    """The ``dist/nhsuk`` folder of nhsuk-frontend, or a message saying how to install it."""
    dist = node_modules() / "nhsuk-frontend" / "dist" / "nhsuk"
    if not (dist / NHSUK_CSS).is_file() or not (dist / NHSUK_JS).is_file():
        raise AssetsMissingError(
            f"the NHS.UK frontend {NHSUK_VERSION} is not installed (looked for {dist / NHSUK_CSS}); "
            "run `make setup` in the repository (it runs `npm ci`), or set CARESIGNAL_NODE_MODULES "
            "to a node_modules folder that has nhsuk-frontend")
    return dist

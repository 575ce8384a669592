"""Fixtures the whole suite shares. Layer-specific fixtures live in each folder's conftest.py."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
# Published reference data lives outside the project (several sets are GPL): never copied in.
SHARED_DATA = Path(os.environ.get("CARESIGNAL_SHARED_DATA", REPO.parent / "shared" / "data"))


def shared_dataset(name: str) -> Path:
    """Path of ``../shared/data/<name>``, or skip the test with the reason when it is absent."""
    path = SHARED_DATA / name
    if not path.is_dir():
        pytest.skip(f"reference data {name!r} not found at {path} (set CARESIGNAL_SHARED_DATA)")
    return path


@pytest.fixture(scope="session")
def shared_data():
    """``shared_data("name")`` -> path of that reference dataset, or skip with the reason."""
    return shared_dataset

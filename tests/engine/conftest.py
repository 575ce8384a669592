"""Engine fixtures: one Ibis backend per engine (DuckDB always, Spark in local mode when available).

Tests that take ``con`` run once per backend, the way Ibis tests its own backends. Spark needs pyspark
(the ``spark`` extra) and a Java runtime; without them the Spark case skips and says why. The Spark session
is shared by the whole run (starting one takes seconds).
"""

from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # miniworld helper

ENGINES = ("duckdb", "spark")


def spark_unavailable() -> str | None:
    if importlib.util.find_spec("pyspark") is None:
        return "pyspark is not installed (install the 'spark' extra)"
    if shutil.which("java") is None:
        return "no Java runtime on PATH (Spark needs one; `make test` installs it)"
    return None


@pytest.fixture(scope="session")
def spark_session():
    reason = spark_unavailable()
    if reason:
        pytest.skip(reason)
    from caresignal.engine.backends import spark_session as make

    session = make("local[2]", {"spark.driver.memory": "1g", "spark.sql.shuffle.partitions": "2",
                                "spark.default.parallelism": "2"})
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def _connect(engine: str, request):
    from caresignal.engine.backends import connect

    if engine == "spark":
        return connect("spark", spark=request.getfixturevalue("spark_session"))
    return connect("duckdb")


@pytest.fixture(params=[pytest.param(e, marks=[pytest.mark.spark] if e == "spark" else []) for e in ENGINES])
def con(request):
    """An Ibis backend, once per engine."""
    return _connect(request.param, request)


@pytest.fixture
def duckdb_con(request):
    return _connect("duckdb", request)


@pytest.fixture(scope="session")
def mini_world(tmp_path_factory):
    """A 20,000-spell world with known risks (tests/engine/miniworld.py), written once."""
    import miniworld

    return miniworld.write_world(tmp_path_factory.mktemp("miniworld"), n_spells=20_000, seed=11)

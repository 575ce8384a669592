"""Choosing the backend at the edge: DuckDB (embedded, default) or Spark (optional ``spark`` extra).

The engine's expressions are the same on both; only this module knows how to connect and how to read
the source files. Spark runs in local mode unless the usual Spark configuration says otherwise
(``SPARK_MASTER`` / ``spark-defaults.conf``, ``spark-submit``): ``getOrCreate()`` joins an active session.
"""

from __future__ import annotations

import os
from pathlib import Path

import ibis
import pandas as pd

from caresignal.domain.errors import InputError, OptionError
from caresignal.domain.sources import ADMISSIONS, BREAST_SURGERY, DIAGNOSIS_GROUPS, ORGANISATIONS, Source

ENGINES = ("duckdb", "spark")
# Local-mode defaults: small, private, no UI, loopback only.
SPARK_LOCAL_CONF = {
    "spark.ui.enabled": "false",
    "spark.driver.host": "127.0.0.1",
    "spark.driver.bindAddress": "127.0.0.1",
    "spark.sql.shuffle.partitions": "4",
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.execution.arrow.pyspark.enabled": "true",
    "spark.driver.memory": "2g",
}


def spark_session(master: str | None = None, conf: dict | None = None):
    """A Spark session: an active one if any, else local mode (``local[2]`` unless ``SPARK_MASTER``)."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:  # pragma: no cover - depends on the installed extras
        raise OptionError("--engine spark needs the optional Spark extra: pip install 'caresignal[spark]'") \
            from None
    builder = SparkSession.builder.appName("caresignal-outcomes")
    builder = builder.master(master or os.environ.get("SPARK_MASTER", "local[2]"))
    for k, v in {**SPARK_LOCAL_CONF, **(conf or {})}.items():
        builder = builder.config(k, v)
    return builder.getOrCreate()


def connect(engine: str = "duckdb", *, spark=None, threads: int | None = None):
    """An Ibis backend: ``duckdb`` (in memory) or ``spark`` (the given or a local session)."""
    if engine not in ENGINES:
        raise OptionError(f"--engine must be one of {', '.join(ENGINES)}; got {engine!r}")
    if engine == "duckdb":
        con = ibis.duckdb.connect()
        if threads:
            con.raw_sql(f"SET threads = {int(threads)}")
        return con
    return ibis.pyspark.connect(spark if spark is not None else spark_session())


def source_path(data_dir: Path, source: Source, *, required: bool = True) -> Path | None:
    path = Path(data_dir) / source.file
    if not path.exists():
        if required:
            raise InputError(f"no {source.file} in {data_dir} (expected the {source.name} source)",
                             file=str(path))
        return None
    return path


def read_large(con, data_dir: Path, source: Source, *, required: bool = True):
    """A Parquet source as a backend table, after checking that every schema column is there."""
    path = source_path(data_dir, source, required=required)
    if path is None:
        return None
    table = con.read_parquet(str(path))
    missing = [c for c in source.column_names if c not in table.columns and c not in source.synthetic_only]
    if missing:
        raise InputError(f"missing column(s) {', '.join(missing)}", file=str(path), column=missing[0])
    return table


def read_small(data_dir: Path, source: Source, *, required: bool = True) -> pd.DataFrame | None:
    """A small CSV lookup as a frame (booleans as 0/1)."""
    path = source_path(data_dir, source, required=required)
    if path is None:
        return None
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [c for c in source.column_names if c not in frame.columns]
    if missing:
        raise InputError(f"missing column(s) {', '.join(missing)}", file=str(path), line=1, column=missing[0])
    for col in source.columns:
        if col.type in ("int", "bool"):
            bad = ~frame[col.name].str.fullmatch(r"-?\d+")
            if bad.any():
                i = int(bad.to_numpy().nonzero()[0][0])
                raise InputError(f"{frame[col.name].iloc[i]!r} is not a whole number", file=str(path),
                                 line=i + 2, column=col.name)
            frame[col.name] = frame[col.name].astype("int64")
    return frame


def read_inputs(con, data_dir: Path):
    """The engine's inputs from a directory of source files (as written by ``caresignal generate``)."""
    from caresignal.engine.run import EngineInputs

    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        raise InputError(f"{data_dir} is not a directory of source files", file=str(data_dir))
    return EngineInputs(
        admissions=read_large(con, data_dir, ADMISSIONS),
        groups=read_small(data_dir, DIAGNOSIS_GROUPS),
        orgs=read_small(data_dir, ORGANISATIONS, required=False),
        breast=read_large(con, data_dir, BREAST_SURGERY, required=False),
    )


_IBIS_TYPES = {"str": "string", "int": "int64", "float": "float64", "bool": "boolean", "date": "date",
               "month": "string"}


def unbound_table(source: Source, name: str | None = None):
    """An Ibis table of a source's schema with no connection: for compiling SQL (snapshot tests, docs)."""
    return ibis.table({c.name: _IBIS_TYPES[c.type] for c in source.columns}, name=name or source.name)


def materialise(expr, prefix: str = "caresignal"):
    """Compute ``expr`` once on its own backend and keep it there; returns ``(table, release)``.

    DuckDB: a temporary table, dropped by ``release()`` with plain SQL (Ibis 12's ``drop_table`` and
    ``Table.release`` fail against DuckDB 2.0 with a parser error). Spark: ``Table.cache()`` (a persisted
    DataFrame) and its ``release``.
    """
    import uuid

    con = ibis.get_backend(expr)
    if con.name == "duckdb":
        name = f"{prefix}_{uuid.uuid4().hex[:12]}"
        table = con.create_table(name, expr, temp=True)

        def release() -> None:
            con.raw_sql(f'DROP TABLE IF EXISTS "{name}"')

        return table, release
    table = expr.cache()
    return table, table.release

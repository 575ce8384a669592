"""``load_directory``: validate and load every source file of a directory into the store, idempotently.

Per file, in one transaction: read, validate (``validate``), store the good rows (small sources row by
row, replacing the periods the file covers; large sources as Parquet in the warehouse, one file per
period, swapped in for the periods covered), quarantine the bad rows with their reasons, recompute the
observations of every indicator that reads the source, and write the load-log entry. Any failure rolls
all of it back and removes the new Parquet files, then records the failure in the load log.

Idempotence: a file with the same SHA-256 as the version of its source last applied writes only an
``unchanged`` entry in the load log. Reference sources without periods (organisations, diagnosis
groups) are upserted by key: rows the new version no longer lists are kept, as loaded data refers to them.
"""

from __future__ import annotations

import hashlib
import shutil
import uuid
from pathlib import Path

import duckdb
import pyarrow as pa

from caresignal.domain.errors import CareSignalError, InputError
from caresignal.domain.registry import Registry, load_registry
from caresignal.domain.sources import GROUND_TRUTH_FILE, SOURCES, SOURCES_BY_FILE, Source
from caresignal.ingest import derive as D
from caresignal.ingest.checks import lit, q
from caresignal.ingest.duck import fetch_all, fetch_arrow
from caresignal.ingest.readers import FileRejected, read_csv, read_parquet
from caresignal.ingest.report import FileResult, LoadReport
from caresignal.ingest.validate import Validated, validate
from caresignal.store import Store
from caresignal.store.writer import StoreTransaction

DUCKDB_MEMORY_LIMIT = "4GB"  # the load runs beside other work on a 2-core, 24 GB machine; spills beyond


def load_directory(directory: str | Path, database_url: str, *, warehouse: str | Path | None = None,
                   registry: str | Path | None = None) -> LoadReport:
    """Load every known source file in ``directory`` into the store at ``database_url``.

    organisations.csv and diagnosis_groups.csv load first (other sources refer to them), then the others
    in the order of ``caresignal.domain.sources.SOURCES``. Unknown .csv/.parquet files are listed as
    ignored. Returns a ``LoadReport``; raises ``CareSignalError`` only when the store itself is unusable.
    """
    directory = Path(directory)
    if not directory.is_dir():
        raise InputError("not a directory of source files", file=str(directory))
    reg = load_registry(registry)
    store = Store(database_url, warehouse)
    report = LoadReport(str(directory), _shown_url(database_url))
    try:
        store.migrate(reg)
        present = {p.name: p for p in directory.iterdir() if p.is_file()}
        for source in SOURCES.values():
            if source.file in present:
                report.files.append(load_file(store, present[source.file], reg, source))
        for name in sorted(present):
            if name not in SOURCES_BY_FILE and name != GROUND_TRUTH_FILE and \
                    name.endswith((".csv", ".parquet")):
                report.files.append(FileResult(name, None, "ignored", message="not a known source file "
                                               "(see docs/data-sources.md for the file names)"))
    finally:
        store.close()
    if not report.files:
        raise InputError("no source files found (expected e.g. organisations.csv, ae_monthly.csv)",
                         file=str(directory))
    return report


def load_file(store: Store, path: Path, registry: Registry, source: Source | None = None) -> FileResult:
    """Load one file in its own transaction; never raises for a bad file (the result says what happened)."""
    source = source or SOURCES_BY_FILE[path.name]
    name = path.name
    new_dirs: list[Path] = []
    try:
        sha = file_sha256(path)
        with store.transaction() as tx:
            if tx.current_sha256(source.name) == sha:
                return _unchanged(tx, source, name, sha)
            load_id = tx.start_load(source.name, name, sha)
            con = _duckdb()
            try:
                result, old_files = _load(con, tx, source, path, registry, load_id, new_dirs)
            finally:
                con.close()
        for old in old_files:  # only after the commit: until then the old version stays readable
            _remove_file(Path(old))
        return result
    except FileRejected as exc:
        _cleanup(new_dirs)
        return _record_failure(store, source, name, "rejected", str(exc))
    except CareSignalError as exc:
        _cleanup(new_dirs)
        return _record_failure(store, source, name, "failed", str(exc))
    except (duckdb.Error, pa.ArrowException, OSError, ValueError) as exc:
        _cleanup(new_dirs)
        return _record_failure(store, source, name, "failed", f"{name}: {_first_line(exc)}")
    except Exception as exc:  # noqa: BLE001 - never a traceback: the file is rolled back and reported
        _cleanup(new_dirs)
        return _record_failure(store, source, name, "failed",
                               f"{name}: unexpected {type(exc).__name__}: {_first_line(exc)}")


def _load(con, tx: StoreTransaction, source: Source, path: Path, registry: Registry, load_id: int,
          new_dirs: list[Path]) -> tuple[FileResult, list[str]]:
    raw = read_csv(path, con) if source.format == "csv" else read_parquet(path, con)
    v = validate(con, source, raw, reference=lambda s: tx.read_source(s),
                 existing_keys=lambda periods: _existing_keys(con, tx, source, periods))
    old_files: list[str] = []
    if source.large:
        replaced, old_files = _write_warehouse(con, tx, source, v, load_id, new_dirs)
    elif source.period_column is None:
        tx.upsert_rows(source.name, _good_rows(con), load_id)
        replaced = []
    else:
        replaced = sorted(set(v.periods) & tx.periods_present(source.name))
        tx.delete_periods(source.name, v.periods)
        tx.insert_rows(source.name, _good_rows(con), load_id)
    tx.add_quarantine(load_id, source.name, path.name, v.problems)
    n_obs = derive_observations(con, tx, registry, source.name, load_id)
    status = "replaced" if replaced else "loaded"
    message = None
    if v.problems:
        message = f"{v.rows_quarantined} row(s) quarantined"
    tx.finish_load(load_id, status=status, rows_read=v.rows_read, rows_loaded=v.rows_good,
                   rows_quarantined=v.rows_quarantined, periods=v.periods, replaced_periods=replaced,
                   observations=n_obs, message=message)
    return FileResult(path.name, source.name, status, v.rows_read, v.rows_good, v.rows_quarantined,
                      v.periods, replaced, n_obs, message, v.problems), old_files


def _good_rows(con) -> pa.Table:
    return fetch_arrow(con, "SELECT * EXCLUDE (__line), __line AS line FROM good ORDER BY __line")


def _existing_keys(con, tx: StoreTransaction, source: Source, periods: list[str]) -> str | None:
    """Register the keys already stored for ``source`` outside ``periods`` as ``existing``."""
    keys = ", ".join(q(k) for k in source.key)
    if source.large:
        entries = {p: f for p, f in tx.warehouse_entries(source.name).items() if p not in periods}
        if not entries:
            return None
        parts = [f"SELECT {keys}, {lit(p)} AS period FROM read_parquet({lit(f)})" for p, f in entries.items()]
        con.execute("CREATE OR REPLACE TEMP VIEW existing AS " + " UNION ALL ".join(parts))
        return "existing"
    stored = tx.read_source(source.name, [*source.key, "period"])
    if stored.num_rows == 0:
        return None
    con.register("existing_all", stored)
    covered = ", ".join(lit(p) for p in periods) or "NULL"
    con.execute(f"CREATE OR REPLACE TEMP VIEW existing AS SELECT * FROM existing_all "
                f"WHERE period IS NULL OR period NOT IN ({covered})")
    return "existing"


def _write_warehouse(con, tx: StoreTransaction, source: Source, v: Validated, load_id: int,
                     new_dirs: list[Path]) -> tuple[list[str], list[str]]:
    """Write the good rows as one Parquet file per period and register them; returns (replaced, old files)."""
    if v.rows_good == 0:
        return [], []
    target = tx.warehouse / source.name / f"load-{load_id}-{uuid.uuid4().hex[:8]}"
    target.parent.mkdir(parents=True, exist_ok=True)
    new_dirs.append(target)
    cols = ", ".join(q(c) for c in source.column_names)
    con.execute(f"COPY (SELECT {cols}, period FROM good ORDER BY __line) TO {lit(str(target))} "
                "(FORMAT parquet, PARTITION_BY (period), COMPRESSION zstd, ROW_GROUP_SIZE 1000000)")
    counts = dict(fetch_all(con, "SELECT period, count(*) FROM good GROUP BY period"))
    replaced, old_files = [], []
    for period in sorted(counts):
        files = sorted((target / f"period={period}").glob("*.parquet"))
        if len(files) != 1:
            raise CareSignalError(f"warehouse: expected one Parquet file for {source.name} {period}, "
                                  f"found {len(files)} in {target}")
        old = tx.register_warehouse_file(source.name, period, str(files[0]), counts[period], load_id)
        if old is not None:
            replaced.append(period)
            old_files.append(old)
    return replaced, old_files


def derive_observations(con, tx: StoreTransaction, registry: Registry, source_name: str,
                        load_id: int | None) -> int:
    """Recompute, for all periods, every indicator that reads ``source_name``; returns how many rows."""
    derivations = registry.depending_on(source_name)
    if not derivations:
        return 0
    registered: dict[str, str] = {}

    def relation(name: str) -> str:
        if name not in registered:
            registered[name] = _register_source(con, tx, name)
        return registered[name]

    observations = []
    for d in derivations:
        observations += D.derive(con, d, relation)
    return tx.replace_observations([d.indicator_id for d in derivations], observations, load_id)


def _register_source(con, tx: StoreTransaction, name: str) -> str:
    """Make a source's loaded rows queryable in DuckDB as ``rel_<name>`` (warehouse files for large ones)."""
    rel = f"rel_{name}"
    source = SOURCES[name]
    if source.large:
        files = sorted(tx.warehouse_entries(name).values())
        if files:
            listing = ", ".join(lit(f) for f in files)
            con.execute(f"CREATE OR REPLACE TEMP VIEW {rel} AS SELECT * FROM read_parquet([{listing}])")
            return rel
        empty = pa.schema([(c.name, _ARROW[c.type]) for c in source.columns]).empty_table()
        con.register(rel, empty)
        return rel
    con.register(rel, tx.read_source(name))
    return rel


_ARROW = {"str": pa.string(), "int": pa.int64(), "float": pa.float64(), "bool": pa.bool_(),
          "date": pa.date32(), "month": pa.string()}


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _unchanged(tx: StoreTransaction, source: Source, name: str, sha: str) -> FileResult:
    before = tx.quarantined_count(source.name, sha)
    note = f"{before} row(s) were quarantined when it was loaded" if before else None
    load_id = tx.start_load(source.name, name, sha, status="unchanged")
    tx.finish_load(load_id, status="unchanged", message=note)
    return FileResult(name, source.name, "unchanged", message=note)


def _record_failure(store: Store, source: Source, name: str, status: str, message: str) -> FileResult:
    try:
        with store.transaction() as tx:
            load_id = tx.start_load(source.name, name, None, status=status)
            tx.finish_load(load_id, status=status, message=message)
    except CareSignalError as exc:
        message += f" (and it could not be recorded in the load log: {exc})"
    return FileResult(name, source.name, status, message=message)


def _duckdb() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute(f"SET memory_limit = {lit(DUCKDB_MEMORY_LIMIT)}")
    return con


def _cleanup(dirs: list[Path]) -> None:
    for d in dirs:
        shutil.rmtree(d, ignore_errors=True)


def _remove_file(path: Path) -> None:
    try:
        path.unlink(missing_ok=True)
        for parent in (path.parent, path.parent.parent):  # period=.../ then load-.../ when empty
            if parent.is_dir() and not any(parent.iterdir()):
                parent.rmdir()
    except OSError:
        pass  # a stray old file is harmless: the registry no longer lists it


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _shown_url(url: str) -> str:
    try:
        from sqlalchemy.engine import make_url
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - display only
        return url

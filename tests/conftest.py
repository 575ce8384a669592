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


# --- Store backends: SQLite and a throwaway PostgreSQL 15 cluster (store-ingest) -----------------------
# Like ibis's backend fixtures: one test, every backend. The cluster starts once per session, only when a
# test asks for it; each test gets a fresh database. Missing binaries skip the PostgreSQL cases.
PG_BIN_DIRS = (Path("/usr/lib/postgresql/15/bin"), Path("/usr/local/bin"))


def _pg_bin(name: str) -> Path | None:
    for folder in PG_BIN_DIRS:
        if (folder / name).is_file() and os.access(folder / name, os.X_OK):
            return folder / name
    return None


def _as_postgres(args: list[str], **kwargs):
    import subprocess
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    return subprocess.run(prefix + [str(a) for a in args], check=True, capture_output=True, text=True,
                          **kwargs)


@pytest.fixture(scope="session")
def postgres_server(tmp_path_factory):
    """A PostgreSQL cluster on 127.0.0.1 at a free port (as the ``postgres`` OS user); yields its admin URL."""
    import pwd
    import shutil
    import socket
    import subprocess
    import tempfile

    initdb, pg_ctl = _pg_bin("initdb"), _pg_bin("pg_ctl")
    if initdb is None or pg_ctl is None:
        pytest.skip(f"PostgreSQL binaries (initdb, pg_ctl) not found in {[str(p) for p in PG_BIN_DIRS]}")
    if os.geteuid() == 0:
        try:
            pw = pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip("running as root but there is no 'postgres' OS user to run the cluster")
    root = Path(tempfile.mkdtemp(prefix="caresignal-pg-"))
    if os.geteuid() == 0:
        os.chown(root, pw.pw_uid, pw.pw_gid)
    data = root / "data"
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    try:
        _as_postgres([initdb, "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync",
                      "--locale=C"])
        _as_postgres([pg_ctl, "-D", data, "-l", root / "server.log", "-w", "-t", "60", "-o",
                      f"-h 127.0.0.1 -p {port} -k {root} -c fsync=off -c full_page_writes=off", "start"])
    except subprocess.CalledProcessError as exc:
        shutil.rmtree(root, ignore_errors=True)
        pytest.skip(f"could not start PostgreSQL: {exc.stderr.strip()[:300]}")
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}"
    finally:
        try:
            _as_postgres([pg_ctl, "-D", data, "-m", "immediate", "-w", "stop"])
        finally:
            shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request, tmp_path):
    """A SQLAlchemy URL of an empty store: a temp SQLite file, or a fresh database on the PostgreSQL cluster."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.db'}"
        return
    import uuid

    import psycopg

    server = request.getfixturevalue("postgres_server")
    name = f"t_{uuid.uuid4().hex[:12]}"
    dsn = server.replace("postgresql+psycopg://", "postgresql://") + "/postgres"
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield f"{server}/{name}"
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

"""The ``caresignal`` command line: thin Typer commands over the services.

Known errors (``CareSignalError``) become one line on stderr and exit status 2; nothing prints a
traceback. Each command parses options, calls one service function and prints its summary.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Optional

import typer

from caresignal.cli_common import friendly_errors

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="CareSignal: open quality surveillance for health services.")

DEFAULT_DATABASE = "sqlite:///caresignal.db"


def database_url(option: str | None) -> str:
    """The store's SQLAlchemy URL: the option, else ``DATABASE_URL``, else a SQLite file here."""
    return option or os.environ.get("DATABASE_URL") or DEFAULT_DATABASE


@app.command()
@friendly_errors
def generate(
    out: Path = typer.Option(..., "--out", help="Directory to write the source files into."),
    seed: int = typer.Option(..., "--seed", help="Random seed; the same seed gives byte-identical files."),
    trusts: int = typer.Option(150, "--trusts", min=8, help="Number of fictional trusts."),
    months: int = typer.Option(36, "--months", min=1, help="Number of months to generate."),
    start: str = typer.Option("2023-04", "--start", help="First month, YYYY-MM."),
    scale: float = typer.Option(1.0, "--scale", min=0.0001,
                                help="1.0 = about 20 million admitted spells a year (national volume)."),
) -> None:
    """Generate a synthetic England with planted failures and their ground truth."""
    from caresignal.synth.generate import generate_england

    summary = generate_england(out, seed=seed, trusts=trusts, months=months, start=start, scale=scale,
                               progress=sys.stderr.isatty())
    typer.echo(summary.summary())


@app.command()
@friendly_errors
def load(
    directory: Path = typer.Argument(..., help="Directory of source files (as written by generate)."),
    database: Optional[str] = typer.Option(None, "--database", help="SQLAlchemy URL (default: $DATABASE_URL "
                                           "or sqlite:///caresignal.db)."),
) -> None:
    """Validate and load every source file in DIRECTORY into the store (idempotent)."""
    from caresignal.ingest.load import load_directory

    report = load_directory(directory, database_url(database))
    typer.echo(report.summary())
    if not report.ok:
        raise typer.Exit(1)


@app.command()
@friendly_errors
def serve(
    database: Optional[str] = typer.Option(None, "--database", help="SQLAlchemy URL of the store."),
    host: str = typer.Option("127.0.0.1", "--host"),
    port: int = typer.Option(8000, "--port"),
) -> None:
    """Serve the dashboard and API."""
    from caresignal.web.server import serve as run_server

    run_server(database_url(database), host=host, port=port)


@app.command()
@friendly_errors
def demo(
    out: Path = typer.Option(Path("data/demo"), "--out", help="Where to write the synthetic files."),
    database: Optional[str] = typer.Option(None, "--database", help="SQLAlchemy URL of the store."),
    seed: int = typer.Option(2013, "--seed"),
    trusts: int = typer.Option(40, "--trusts", min=8),
    months: int = typer.Option(36, "--months", min=12),
    scale: float = typer.Option(0.01, "--scale"),
    host: str = typer.Option("127.0.0.1", "--host"),
    port: int = typer.Option(8000, "--port"),
    serve_after: bool = typer.Option(True, "--serve/--no-serve", help="Serve the dashboard afterwards."),
) -> None:
    """Generate a small synthetic England, load it, run surveillance and serve the dashboard."""
    from caresignal.demo import run_demo

    run_demo(out, database_url(database or f"sqlite:///{out}/caresignal.db"), seed=seed, trusts=trusts,
             months=months, scale=scale, host=host, port=port, serve=serve_after)


@app.command()
@friendly_errors
def outcomes(
    data: Path = typer.Option(..., "--data", help="Directory of source files (admissions.parquet, "
                              "diagnosis_groups.csv, breast_surgery.parquet, organisations.csv)."),
    engine: str = typer.Option("duckdb", "--engine", help="duckdb (embedded) or spark."),
    as_of: Optional[str] = typer.Option(None, "--as-of", help="Last month, YYYY-MM (default: the last "
                                        "discharge month in the data)."),
    database: Optional[str] = typer.Option(None, "--database", help="SQLAlchemy URL of the store."),
) -> None:
    """Case-mix adjusted mortality, readmissions and breast surgery outcomes for an as-of month."""
    from caresignal.cli_progress import stage_progress
    from caresignal.surveillance.outcomes import run_outcomes

    with stage_progress(enabled=sys.stderr.isatty()) as progress:
        result = run_outcomes(data, engine=engine, as_of=as_of, database_url=database_url(database),
                              progress=progress)
    typer.echo(result.summary())


from caresignal.cli_stats import stats_app  # noqa: E402  (registered after the core commands)
from caresignal import cli_cusum, cli_funnel, cli_spc  # noqa: E402,F401  (they register on stats_app)

app.add_typer(stats_app, name="stats", help="Statistical methods on a CSV file (SPC, funnel, CUSUM).")

if __name__ == "__main__":  # pragma: no cover
    app()

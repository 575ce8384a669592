"""``caresignal demo`` (and ``make demo``): generate a small synthetic England, load it, run what
surveillance exists, and serve the dashboard.

Each step is idempotent, so running the demo again is quick: the generator is skipped when ``out``
already holds a complete dataset made with the same parameters (recorded in ``DEMO_STAMP`` after a
generation finishes, so an interrupted one is redone), and the loader writes nothing for files it has
already loaded (same SHA-256).
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import caresignal
from caresignal.domain.sources import GROUND_TRUTH_FILE, SOURCES

DEMO_STAMP = ".caresignal-demo.json"


def _say(message: str) -> None:
    print(message, flush=True)


def _dataset_files(out: Path) -> dict[str, int]:
    """Name and size of every source file and the ground truth present in ``out``."""
    names = [s.file for s in SOURCES.values()] + [GROUND_TRUTH_FILE]
    return {n: (out / n).stat().st_size for n in sorted(names) if (out / n).is_file()}


def _parameters(seed: int, trusts: int, months: int, scale: float) -> dict:
    return {"seed": seed, "trusts": trusts, "months": months, "scale": scale,
            "caresignal": caresignal.__version__}


def dataset_is_complete(out: Path, parameters: dict) -> bool:
    """True when ``out`` holds every source file and the ground truth of a finished generation with
    exactly these parameters, each the size it had when that generation finished."""
    stamp = out / DEMO_STAMP
    if not stamp.is_file():
        return False
    try:
        recorded = json.loads(stamp.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    present = _dataset_files(out)
    every_file = {s.file for s in SOURCES.values()} | {GROUND_TRUTH_FILE}
    return (recorded.get("parameters") == parameters and set(present) == every_file
            and recorded.get("files") == present)


def generate_if_needed(out: Path, *, seed: int, trusts: int, months: int, scale: float) -> bool:
    """Generate into ``out`` unless a complete dataset with the same parameters is there.

    Returns True when it generated.
    """
    from caresignal.synth.generate import generate_england

    parameters = _parameters(seed, trusts, months, scale)
    if dataset_is_complete(out, parameters):
        _say(f"[1/4] synthetic England already in {out} (seed {seed}, {trusts} trusts, {months} months, "
             f"scale {scale}): not regenerated")
        return False
    out.mkdir(parents=True, exist_ok=True)
    (out / DEMO_STAMP).unlink(missing_ok=True)
    _say(f"[1/4] generating a synthetic England in {out} (seed {seed}, {trusts} trusts, {months} months, "
         f"scale {scale}) ...")
    started = time.perf_counter()
    summary = generate_england(out, seed=seed, trusts=trusts, months=months, scale=scale, progress=False)
    _say(summary.summary())
    _say(f"      generated in {time.perf_counter() - started:.1f} s")
    stamp = {"parameters": parameters, "files": _dataset_files(out)}
    (out / DEMO_STAMP).write_text(json.dumps(stamp, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return True


def load(out: Path, database_url: str):
    """Load ``out`` into the store (idempotent: unchanged files only add a load-log entry)."""
    from caresignal.ingest.load import load_directory

    _say(f"[2/4] loading {out} into {database_url} ...")
    started = time.perf_counter()
    report = load_directory(out, database_url)
    _say(report.summary())
    _say(f"      loaded in {time.perf_counter() - started:.1f} s")
    return report


def run_surveillance(database_url: str, data_dir: Path) -> str:
    """Run the surveillance that exists over the store and return what it did.

    This is the single call site where surveillance joins the demo. The loader has already derived the
    observations of every registry indicator from the sources; here the outcomes engine adds the
    case-mix adjusted indicators (SHMI-style mortality with its funnel banding, RA-CUSUM alerts with FDR
    control, coding-change flags, readmissions and breast surgery) for the latest month. Later issues
    (signals, triangulation, alerts) run their ``caresignal.surveillance`` entry points from here too.
    """
    from caresignal.store.repository import Store
    from caresignal.surveillance.outcomes import run_outcomes

    outcomes = run_outcomes(data_dir, engine="duckdb", database_url=database_url)
    store = Store(database_url)
    try:
        latest = store.latest_observations()
        orgs = store.organisations()
    finally:
        store.close()
    indicators = {o.indicator_id for o in latest}
    return (f"[3/4] surveillance: {len(indicators)} indicators with observations for {len(orgs)} "
            f"organisations\n" + outcomes.summary())


def run_demo(out: Path, database_url: str, *, seed: int = 2013, trusts: int = 40, months: int = 36,
             scale: float = 0.01, host: str = "127.0.0.1", port: int = 8000, serve: bool = True) -> None:
    """Generate (if needed), load, run surveillance, then serve the dashboard on ``host:port``."""
    from caresignal.web.server import check_port_free, serve as serve_dashboard, url_for

    out = Path(out)
    if serve:
        check_port_free(host, port)  # fail before minutes of work, not after
    generate_if_needed(out, seed=seed, trusts=trusts, months=months, scale=scale)
    load(out, database_url)
    _say(run_surveillance(database_url, out))
    if not serve:
        _say("[4/4] not serving (--no-serve); start the dashboard with: caresignal serve "
             f"--database {database_url}")
        return
    _say(f"[4/4] serving the dashboard on {url_for(host, port)}")
    serve_dashboard(database_url, host=host, port=port)

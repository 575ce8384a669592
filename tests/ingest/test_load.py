"""Loading directories: what lands in the store, what is rejected or quarantined and why, on both backends."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from caresignal.cli import app
from caresignal.domain.sources import SOURCES
from caresignal.ingest.load import load_directory
from caresignal.store import Store

HERE = Path(__file__).resolve().parent


def subset(world: Path, dest: Path, *names: str) -> Path:
    """A directory holding copies of some of the world's files."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in names:
        shutil.copy(world / name, dest / name)
    return dest


def value(store: Store, org: str, indicator: str, period: str):
    (obs,) = [o for o in store.observations(org, indicator) if o.period == period]
    return obs


@pytest.fixture
def loaded(world, database_url, tmp_path):
    report = load_directory(world, database_url, warehouse=tmp_path / "warehouse")
    store = Store(database_url, warehouse=tmp_path / "warehouse")
    yield report, store
    store.close()


def test_a_valid_world_loads_everything(loaded):
    report, store = loaded
    assert report.ok, report.summary()
    assert [f.status for f in report.files] == ["loaded"] * len(SOURCES)
    assert [o.org_code for o in store.organisations()] == ["ZA1", "ZB2", "ZC3"]
    assert len(store.source_rows("ae_monthly")) == 6
    assert len(store.source_rows("rtt_monthly", org_code="ZA1")) == 4
    assert [p.name for p in store.warehouse_files("admissions")] == ["data_0.parquet"] * 2
    spells = sum(pq.read_metadata(p).num_rows for p in store.warehouse_files("admissions"))
    assert spells == 8
    assert {e.status for e in store.load_log()} == {"loaded"} and store.quarantine() == []


def test_derived_observations_match_hand_counts(loaded):
    """Each expected number is worked out by hand from tests/ingest/conftest.py."""
    _, store = loaded
    ae = value(store, "ZA1", "ae_4h_all", "2024-01")  # (1000 + 500 - 100 - 10) / 1500
    assert (ae.numerator, ae.denominator) == (1390, 1500) and ae.value == pytest.approx(1390 / 1500)
    mort = value(store, "ZA1", "mortality_30d_crude", "2024-01")  # spell 2 died 16 days after discharge
    assert (mort.numerator, mort.denominator) == (1, 2)  # spell 3 is a day case: not SHMI-like
    assert value(store, "ZB2", "mortality_30d_crude", "2024-01").numerator == 1  # died in hospital
    readm = value(store, "ZB2", "readmission_30d_emergency", "2024-01")  # patient 104 back at ZC3 day 16
    assert (readm.numerator, readm.denominator) == (1, 1)
    assert value(store, "ZA1", "readmission_30d_emergency", "2024-01").value == pytest.approx(0.5)
    comp = value(store, "ZA1", "complaints_per_1000_spells", "2024-01")  # 1 complaint, 3 spells
    assert (comp.numerator, comp.denominator) == (1, 3)
    assert value(store, "ZA1", "never_events", "2024-02").numerator == 0  # zero-filled month
    assert value(store, "ZC3", "safety_alerts_overdue", "2024-02").value == 1  # never completed
    assert value(store, "ZA1", "safety_alerts_overdue", "2024-02").value == 0
    assert value(store, "ZB2", "peer_review_self_assessed", "2024-01").value == 1
    assert value(store, "ZB2", "peer_review_compliance", "2024-01").value == pytest.approx(0.25)
    assert value(store, "ZA1", "fft_positive_inpatient", "2024-01").value == pytest.approx(0.5)
    assert value(store, "ZB2", "breast_complication_ir", "2024-01").value == pytest.approx(2 / 3)
    assert value(store, "ZB2", "breast_immediate_reconstruction", "2024-01").value == pytest.approx(0.75)
    staff = value(store, "ZA1", "staff_engagement", "2023")
    assert staff.value == pytest.approx(6.8) and staff.period_start.isoformat() == "2023-01-01"
    assert value(store, "ZA1", "mri_report_median_days", "2024-02").value == pytest.approx(3.5)
    latest = {(o.org_code, o.indicator_id): o.period for o in store.latest_observations()}
    assert latest[("ZA1", "ae_4h_all")] == "2024-02" and latest[("ZA1", "staff_engagement")] == "2023"


def test_reloading_identical_files_writes_only_the_load_log(loaded, world, database_url, tmp_path):
    _, store = loaded
    before = (store.source_rows("complaints"), store.latest_observations(),
              store.warehouse_files("admissions"), store.observations("ZA1", "ae_4h_all"))
    again = load_directory(world, database_url, warehouse=tmp_path / "warehouse")
    assert again.ok and {f.status for f in again.files} == {"unchanged"}
    after = (store.source_rows("complaints"), store.latest_observations(),
             store.warehouse_files("admissions"), store.observations("ZA1", "ae_4h_all"))
    assert after == before
    log = store.load_log(limit=1000)
    assert len(log) == 2 * len(SOURCES)
    assert [e.status for e in log[:len(SOURCES)]] == ["unchanged"] * len(SOURCES)
    assert all(e.rows_loaded == 0 for e in log[:len(SOURCES)])


def test_a_new_version_replaces_the_periods_it_covers(loaded, world, database_url, tmp_path):
    _, store = loaded
    v2 = tmp_path / "v2"
    v2.mkdir()
    text = (world / "ae_monthly.csv").read_text().splitlines()
    feb = [line for line in text[1:] if ",2024-02," in line]
    feb = [line.replace(",500,10,", ",500,400,") for line in feb]  # a revised February
    (v2 / "ae_monthly.csv").write_text("\n".join([text[0], *feb]) + "\n")
    report = load_directory(v2, database_url, warehouse=tmp_path / "warehouse")
    result = report.by_file("ae_monthly.csv")
    assert result.status == "replaced" and result.replaced_periods == ["2024-02"]
    rows = store.source_rows("ae_monthly")
    assert len(rows) == 6 and {r["breaches_other"] for r in rows if r["month"] == "2024-02"} == {400}
    assert {r["breaches_other"] for r in rows if r["month"] == "2024-01"} == {10}
    assert value(store, "ZA1", "ae_4h_all", "2024-02").numerator == 1010 + 500 - 101 - 400
    assert value(store, "ZA1", "ae_4h_all", "2024-01").numerator == 1390
    entry = store.load_log(limit=1)[0]
    assert entry.status == "replaced" and entry.replaced_periods == ("2024-02",)


def test_a_new_version_of_a_large_source_swaps_its_parquet(loaded, world, database_url, tmp_path):
    _, store = loaded
    before = store.warehouse_files("admissions")
    v2 = tmp_path / "v2"
    v2.mkdir()
    table = pq.read_table(world / "admissions.parquet")
    feb = table.filter(pq.read_table(world / "admissions.parquet").column("spell_id").to_numpy() >= 6)
    pq.write_table(feb.slice(0, 2), v2 / "admissions.parquet")  # February without spell 8
    report = load_directory(v2, database_url, warehouse=tmp_path / "warehouse")
    assert report.by_file("admissions.parquet").replaced_periods == ["2024-02"]
    after = store.warehouse_files("admissions")
    assert after[0] == before[0] and after[1] != before[1]
    assert not before[1].exists() and after[1].exists()
    assert pq.read_table(after[1]).column("spell_id").to_pylist() == [6, 7]
    assert [o.period for o in store.observations("ZA1", "mortality_30d_crude")] == ["2024-01"]


def test_keys_loaded_in_another_period_are_quarantined(loaded, world, database_url, tmp_path):
    _, store = loaded
    v2 = tmp_path / "v2"
    v2.mkdir()
    lines = (world / "complaints.csv").read_text().splitlines()
    moved = lines[1].replace("2024-01-05", "2024-03-05").replace("2024-01-06", "2024-03-06") \
        .replace("2024-01-25", "2024-03-25")  # C0 again, now in March
    new = lines[1].replace("C0,", "C9,").replace("2024-01-", "2024-03-")
    (v2 / "complaints.csv").write_text("\n".join([lines[0], moved, new]) + "\n")
    report = load_directory(v2, database_url, warehouse=tmp_path / "warehouse")
    result = report.by_file("complaints.csv")
    assert (result.rows_loaded, result.rows_quarantined) == (1, 1) and not report.ok
    (problem,) = store.quarantine(file="complaints.csv")
    assert problem.line == 2 and problem.check == "key_already_loaded" and "2024-01" in problem.reason


def test_cli_load_prints_the_summary_and_exit_status(world, tmp_path):
    url = f"sqlite:///{tmp_path / 'cli' / 'caresignal.db'}"
    result = CliRunner().invoke(app, ["load", str(world), "--database", url])
    assert result.exit_code == 0, result.output
    assert "OK: 19 file(s)" in result.output and (tmp_path / "cli" / "warehouse" / "admissions").is_dir()
    bad = subset(world, tmp_path / "bad", "organisations.csv")
    (bad / "ae_monthly.csv").write_text("org_code,month\nZA1,2024-01\n")
    result = CliRunner().invoke(app, ["load", str(bad), "--database", url])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "ae_monthly.csv: rejected: ae_monthly.csv: line 1: missing column(s) 'attendances_type1'" in result.output


def test_a_rate_over_another_source_has_no_value_where_its_own_source_is_absent(world, tmp_path):
    """Complaints per 1,000 spells needs the complaints file: admissions alone must not read as
    'zero complaints' (an empty month is only zero inside the months the complaints file covers)."""
    url = f"sqlite:///{tmp_path / 'partial.db'}"
    only = subset(world, tmp_path / "partial", "organisations.csv", "diagnosis_groups.csv",
                  "admissions.parquet")
    assert load_directory(only, url, warehouse=tmp_path / "wh").ok
    store = Store(url, warehouse=tmp_path / "wh")
    try:
        assert store.indicator_observations("complaints_per_1000_spells") == []
        assert store.indicator_observations("mortality_30d_crude") != []
    finally:
        store.close()

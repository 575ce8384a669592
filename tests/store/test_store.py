"""The Store API on SQLite and PostgreSQL: migrations, domain records out, no ORM rows leaking."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from caresignal.domain.errors import CareSignalError, OptionError
from caresignal.domain.records import Indicator, Observation, Organisation
from caresignal.domain.registry import load_registry
from caresignal.store import Store
from caresignal.store.migrate import current_revision, head_revision
from caresignal.store.models import Base

ORGS = pa.table({
    "org_code": ["ZA1", "ZB2"], "org_name": ["Avon Fictional NHS Trust", "Brent Fictional NHS Trust"],
    "region": ["South West", "London"], "icb": ["ICB A", "ICB B"],
    "trust_type": ["acute_large", "acute_teaching"], "teaching": [False, True], "beds": [600, 1200],
    "cancer_network": ["Net A", "Net B"], "synthetic": [True, True], "line": [2, 3], "period": [None, None],
})


@pytest.fixture
def store(database_url, tmp_path):
    s = Store(database_url, warehouse=tmp_path / "warehouse")
    s.migrate()
    yield s
    s.close()


def _observation(org, period, num, den):
    start = dt.date(int(period[:4]), int(period[5:7]), 1)
    return Observation(org, "ae_4h_all", period, start, num, den, None, num / den)


def test_migrate_creates_the_schema_the_models_describe(store):
    assert current_revision(store.engine) == head_revision()
    with store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
    assert diff == []
    store.migrate()  # a second upgrade is a no-op
    assert current_revision(store.engine) == head_revision()


def test_empty_store_returns_empty_lists(store):
    assert store.organisations() == []
    assert store.organisation("ZA1") is None
    assert store.latest_observations() == []
    assert store.load_log() == [] and store.quarantine() == []
    assert store.source_rows("ae_monthly") == []
    assert store.warehouse_files("admissions") == []


def test_indicators_come_from_the_registry(store):
    indicators = store.indicators()
    assert all(isinstance(i, Indicator) for i in indicators)
    assert {i.id for i in indicators} == {i.id for i in load_registry().indicators}
    ae = store.indicator("ae_4h_all")
    assert ae == load_registry().indicator("ae_4h_all")


def test_organisations_and_observations_round_trip(store):
    with store.transaction() as tx:
        load_id = tx.start_load("organisations", "organisations.csv", "x" * 64)
        tx.insert_rows("organisations", ORGS, load_id)
        tx.replace_observations(["ae_4h_all"], [
            _observation("ZA1", "2024-01", 90, 100), _observation("ZA1", "2024-02", 80, 100),
            _observation("ZB2", "2024-01", 70, 100)], load_id)
        tx.finish_load(load_id, status="loaded", rows_read=2, rows_loaded=2)
    orgs = store.organisations()
    assert [o.org_code for o in orgs] == ["ZA1", "ZB2"]
    assert isinstance(orgs[0], Organisation) and orgs[1].teaching is True and orgs[1].beds == 1200
    assert store.organisation("ZB2").org_name == "Brent Fictional NHS Trust"
    series = store.observations("ZA1", "ae_4h_all")
    assert [o.period for o in series] == ["2024-01", "2024-02"]
    assert series[1].value == pytest.approx(0.8) and series[1].period_start == dt.date(2024, 2, 1)
    latest = store.latest_observations()
    assert {(o.org_code, o.period) for o in latest} == {("ZA1", "2024-02"), ("ZB2", "2024-01")}
    assert [o.period for o in store.latest_observations("ZB2")] == ["2024-01"]
    assert [r["org_code"] for r in store.source_rows("organisations", limit=1)] == ["ZA1"]
    (entry,) = store.load_log()
    assert entry.status == "loaded" and entry.rows_loaded == 2 and entry.file == "organisations.csv"


def test_a_failed_transaction_leaves_nothing(store):
    with pytest.raises(CareSignalError, match="database error"):
        with store.transaction() as tx:
            load_id = tx.start_load("organisations", "organisations.csv", None)
            tx.insert_rows("organisations", ORGS, load_id)
            tx.insert_rows("organisations", ORGS, load_id)  # duplicate primary key
    assert store.organisations() == [] and store.load_log() == []


def test_foreign_keys_are_enforced(store):
    with pytest.raises(CareSignalError):
        with store.transaction() as tx:
            tx.replace_observations(["ae_4h_all"], [_observation("NOPE", "2024-01", 1, 2)])


def test_bad_arguments_name_the_allowed_values(store):
    with pytest.raises(OptionError, match="large sources"):
        store.warehouse_files("ae_monthly")
    with pytest.raises(OptionError, match="stored row by row"):
        store.source_rows("admissions")


def test_a_store_without_tables_says_so(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'empty.db'}")
    with pytest.raises(CareSignalError, match="no CareSignal tables"):
        store.organisations()


def test_replace_observations_of_some_periods(store):
    with store.transaction() as tx:
        load_id = tx.start_load("organisations", "organisations.csv", None)
        tx.insert_rows("organisations", ORGS, load_id)
    store.replace_observations(["ae_4h_all"], [_observation("ZA1", "2024-01", 90, 100),
                                               _observation("ZA1", "2024-02", 80, 100)])
    written = store.replace_observations(["ae_4h_all"], [_observation("ZA1", "2024-02", 50, 100)],
                                         periods=["2024-02"])
    assert written == 1
    assert [(o.period, o.numerator) for o in store.observations("ZA1", "ae_4h_all")] == [
        ("2024-01", 90), ("2024-02", 50)]
    store.replace_observations(["ae_4h_all"], [_observation("ZA1", "2024-02", 50, 100)], periods=["2024-02"])
    assert len(store.observations("ZA1", "ae_4h_all")) == 2

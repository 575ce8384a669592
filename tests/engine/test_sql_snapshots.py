"""The SQL the key pipelines compile to, per dialect, compared with committed snapshots.

A change in the compiled SQL (an Ibis upgrade, an edit to a cohort rule) shows up here as a diff to
review. Regenerate with ``CARESIGNAL_UPDATE_SNAPSHOTS=1 pytest tests/engine/test_sql_snapshots.py``.
"""

from __future__ import annotations

import os
from pathlib import Path

import ibis
import pytest

from caresignal.domain.sources import ADMISSIONS
from caresignal.engine import cohort, expected, readmissions
from caresignal.engine.backends import unbound_table
from caresignal.engine.covariates import PatternSpec, year_index_factor
from caresignal.engine.run import SHMI_FACTORS

SNAPSHOTS = Path(__file__).parent / "snapshots"
DIALECTS = ("duckdb", "pyspark")
AS_OF = cohort.parse_month("2026-03")


def _shmi_rows():
    t = cohort.shmi_cohort(unbound_table(ADMISSIONS), perinatal_groups=[120, 121],
                           specialist_orgs=["ZSP1"])
    spec = PatternSpec(SHMI_FACTORS + (year_index_factor(3),), 150)
    return expected.with_pattern(cohort.window(t, AS_OF, 36), spec)


def shmi_pattern_aggregate():
    return expected.aggregate_patterns(_shmi_rows())


def shmi_expected_by_trust():
    probs = ibis.table({"pattern": "int64", "p": "float64"}, name="probabilities")
    return expected.observed_expected(expected.join_probabilities(_shmi_rows(), probs),
                                      ["org_code", "group", "month_index"])


def readmission_index_spells():
    return readmissions.readmission_spells(unbound_table(ADMISSIONS), excluded_groups=[8, 9],
                                           cutoff_epoch_day=cohort.month_end_epoch_day(AS_OF))


PIPELINES = {f.__name__: f for f in (shmi_pattern_aggregate, shmi_expected_by_trust, readmission_index_spells)}


@pytest.mark.parametrize("dialect", DIALECTS)
@pytest.mark.parametrize("pipeline", sorted(PIPELINES))
def test_compiled_sql_matches_snapshot(pipeline, dialect):
    if dialect == "pyspark":
        pytest.importorskip("pyspark", reason="the pyspark dialect needs the 'spark' extra")
        getattr(ibis, "pyspark")  # loading the backend registers its compile options
    sql = str(ibis.to_sql(PIPELINES[pipeline](), dialect=dialect)).strip() + "\n"
    path = SNAPSHOTS / pipeline / dialect / "out.sql"
    if os.environ.get("CARESIGNAL_UPDATE_SNAPSHOTS") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(sql)
    assert path.exists(), f"no snapshot {path}; run with CARESIGNAL_UPDATE_SNAPSHOTS=1 to create it"
    assert sql == path.read_text()

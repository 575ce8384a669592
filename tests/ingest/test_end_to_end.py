"""Generate a small synthetic England, load it, check counts and derived observations against pandas.

The expected values are computed here independently from the generated files with pandas (not with the
loader's SQL), then the same directory is reloaded and nothing may change.
"""

from __future__ import annotations

import pandas as pd
import pyarrow.parquet as pq
import pytest

from caresignal.domain.sources import SOURCES_BY_FILE
from caresignal.ingest.load import load_directory
from caresignal.store import Store

pytestmark = pytest.mark.slow
GENERATE = dict(seed=7, trusts=12, months=14, start="2023-04", scale=0.002)


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    from caresignal.synth.generate import generate_england

    out = tmp_path_factory.mktemp("england")
    generate_england(out, progress=False, **GENERATE)
    return out


def rows_in(path) -> int:
    if path.suffix == ".parquet":
        return pq.read_metadata(path).num_rows
    return len(pd.read_csv(path, dtype=str, keep_default_na=False))


def mortality_by_pandas(adm: pd.DataFrame) -> pd.DataFrame:
    """Deaths in hospital or within 30 days of discharge per ordinary spell, by trust and discharge month."""
    a = adm[adm.patient_classification == "ordinary"].copy()
    discharge = pd.to_datetime(a.discharge_date)
    death = pd.to_datetime(a.date_of_death)
    a["dead"] = a.died_in_hospital | (death.notna() & (death <= discharge + pd.Timedelta(days=30)))
    a["period"] = discharge.dt.strftime("%Y-%m")
    return a.groupby(["org_code", "period"]).dead.agg(["sum", "count"])


def readmissions_by_pandas(adm: pd.DataFrame) -> pd.DataFrame:
    """Ordinary live discharges followed by an emergency admission of the patient within 30 days."""
    a = adm.sort_values(["patient_id", "admission_date", "spell_id"]).reset_index(drop=True)
    a["admission_date"] = pd.to_datetime(a.admission_date)
    a["discharge_date"] = pd.to_datetime(a.discharge_date)
    emerg = a.admission_date.where(a.admission_method == "emergency")
    # earliest emergency admission among the patient's later spells: reverse cumulative min, shifted
    later = emerg[::-1].groupby(a.patient_id[::-1]).cummin()[::-1]
    a["next_emergency"] = later.groupby(a.patient_id).shift(-1)
    keep = a[(a.patient_classification == "ordinary") & ~a.died_in_hospital].copy()
    gap = keep.next_emergency - keep.discharge_date
    keep["readmitted"] = (gap >= pd.Timedelta(0)) & (gap <= pd.Timedelta(days=30))
    keep["period"] = keep.discharge_date.dt.strftime("%Y-%m")
    return keep.groupby(["org_code", "period"]).readmitted.agg(["sum", "count"])


def test_generated_england_loads_and_matches_pandas(generated, tmp_path):
    url = f"sqlite:///{tmp_path / 'caresignal.db'}"
    report = load_directory(generated, url)
    assert report.ok, report.summary()
    store = Store(url)
    files = [p for p in sorted(generated.iterdir()) if p.name in SOURCES_BY_FILE]
    assert {f.file for f in report.files} == {p.name for p in files}
    for path in files:  # the generator's files pass every check: nothing quarantined
        result = report.by_file(path.name)
        assert result.rows_loaded == rows_in(path) and result.rows_quarantined == 0, result.line()
    assert len(store.organisations()) == GENERATE["trusts"]

    adm = pd.read_parquet(generated / "admissions.parquet")
    for indicator, expected in (("mortality_30d_crude", mortality_by_pandas(adm)),
                                ("readmission_30d_emergency", readmissions_by_pandas(adm))):
        got = {(o.org_code, o.period): (o.numerator, o.denominator)
               for o in store.indicator_observations(indicator)}
        want = {k: (float(r["sum"]), float(r["count"])) for k, r in expected.iterrows()}
        assert got == want, indicator
    if (generated / "ae_monthly.csv").exists():
        ae = pd.read_csv(generated / "ae_monthly.csv")
        att = ae.attendances_type1 + ae.attendances_other
        ok = att - ae.breaches_type1 - ae.breaches_other
        want = dict(zip(zip(ae.org_code, ae.month), ok / att))
        got = {(o.org_code, o.period): o.value for o in store.indicator_observations("ae_4h_all")}
        assert got == pytest.approx(want)

    before = (store.latest_observations(), store.warehouse_files("admissions"),
              store.source_rows("organisations"))
    again = load_directory(generated, url)
    assert {f.status for f in again.files} == {"unchanged"}
    assert (store.latest_observations(), store.warehouse_files("admissions"),
            store.source_rows("organisations")) == before
    store.close()

"""Operational sources: schemas, determinism, internal consistency, calibration and planted scenarios."""

from __future__ import annotations

import hashlib
import pandas as pd
import pytest

from caresignal.domain.sources import SOURCES_BY_FILE, Source
from caresignal.synth.operational import generate_ae, generate_operational
from caresignal.synth.world import build_world

WORLD = dict(trusts=20, months=24, start="2023-04", scale=0.005)
_CELL = {"int": r"-?\d+", "float": r"-?\d+(\.\d+)?", "bool": r"[01]", "date": r"\d{4}-\d{2}-\d{2}",
         "month": r"\d{4}-(0[1-9]|1[0-2])"}


def check_csv(path, source: Source) -> pd.DataFrame:
    """Every column of ``source``, in order; every cell of the right type, range and allowed values."""
    raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    assert tuple(raw.columns) == source.column_names, path.name
    for col in source.columns:
        values = raw[col.name]
        missing = values == ""
        assert col.nullable or not missing.any(), f"{path.name}:{col.name} has empty cells"
        present = values[~missing]
        if col.type in _CELL:
            bad = ~present.str.fullmatch(_CELL[col.type])
            assert not bad.any(), f"{path.name}:{col.name}: {present[bad].iloc[0]!r}"
        if col.type == "date":
            pd.to_datetime(present, format="%Y-%m-%d")
        if col.allowed:
            assert set(present) <= set(col.allowed), f"{path.name}:{col.name}"
        if col.pattern:
            assert present.str.fullmatch(col.pattern).all(), f"{path.name}:{col.name}"
        if col.type in ("int", "float") and len(present):
            num = present.astype(float)
            assert col.minimum is None or num.min() >= col.minimum, f"{path.name}:{col.name} below minimum"
            assert col.maximum is None or num.max() <= col.maximum, f"{path.name}:{col.name} above maximum"
    key = list(source.key)
    assert not raw.duplicated(key).any(), f"{path.name}: duplicate key {key}"
    return pd.read_csv(path, keep_default_na=False, na_values=[""])


@pytest.fixture(scope="module")
def world():
    return build_world(11, **WORLD)


@pytest.fixture(scope="module")
def out(world, tmp_path_factory):
    d = tmp_path_factory.mktemp("operational")
    rows = generate_operational(world, d)
    return d, rows


def test_every_file_matches_its_schema(out):
    d, rows = out
    assert len(rows) == 10
    for name, n in rows.items():
        frame = check_csv(d / name, SOURCES_BY_FILE[name])
        assert len(frame) == n
    assert rows["never_events.csv"] >= 0 and rows["rtt_monthly.csv"] > 0


def test_same_seed_same_bytes(world, out, tmp_path):
    d, rows = out
    generate_operational(build_world(11, **WORLD), tmp_path)
    for name in rows:
        assert hashlib.sha256((tmp_path / name).read_bytes()).digest() == \
            hashlib.sha256((d / name).read_bytes()).digest(), name


def test_counts_are_internally_consistent(out):
    d, _ = out
    ae = pd.read_csv(d / "ae_monthly.csv")
    assert (ae.breaches_type1 <= ae.attendances_type1).all() and (ae.breaches_other <= ae.attendances_other).all()
    assert (ae.waits_over_12h <= ae.breaches_type1).all()
    rtt = pd.read_csv(d / "rtt_monthly.csv")
    assert (rtt.within_18_weeks + rtt.over_52_weeks <= rtt.incomplete_pathways).all()
    assert ((rtt.harm_found <= rtt.harm_reviews_done) & (rtt.harm_reviews_done <= rtt.harm_reviews_due)).all()
    diag = pd.read_csv(d / "diagnostics_monthly.csv")
    assert (diag.waiting_over_6_weeks <= diag.waiting_list).all()
    assert (diag.reported_over_28_days <= diag.tests_reported).all()
    req = pd.read_csv(d / "information_requests.csv", parse_dates=["sent_date", "due_date", "answered_date"])
    assert (req.due_date > req.sent_date).all() and (req.answered_date.dropna() >= req.sent_date[req.answered_date.notna()]).all()
    ne = pd.read_csv(d / "never_events.csv", parse_dates=["event_date", "reported_date"])
    assert (ne.reported_date >= ne.event_date).all()


def test_national_rates_are_near_the_published_figures(world, tmp_path):
    # calibration (england_calibration.md s.4): ~88% over all types, type 1 ~75-82%; s.5 RTT 58-63%
    big = build_world(4, trusts=60, months=12, start="2023-04", scale=0.05)
    generate_operational(big, tmp_path)
    ae = pd.read_csv(tmp_path / "ae_monthly.csv")
    type1 = 1 - ae.breaches_type1.sum() / ae.attendances_type1.sum()
    overall = 1 - (ae.breaches_type1.sum() + ae.breaches_other.sum()) / (ae.attendances_type1.sum()
                                                                         + ae.attendances_other.sum())
    assert 0.75 <= type1 <= 0.83 and 0.84 <= overall <= 0.91
    monthly = ae.groupby("month")[["breaches_type1", "attendances_type1"]].sum()
    perf = 1 - monthly.breaches_type1 / monthly.attendances_type1
    assert perf["2024-01"] < perf["2023-07"]  # winter dip
    rtt = pd.read_csv(tmp_path / "rtt_monthly.csv")
    share18 = rtt.within_18_weeks.sum() / rtt.incomplete_pathways.sum()
    share52 = rtt.over_52_weeks.sum() / rtt.incomplete_pathways.sum()
    assert 0.55 <= share18 <= 0.66 and 0.005 <= share52 <= 0.04
    inc = pd.read_csv(tmp_path / "incidents_monthly.csv")
    harm = inc[["no_harm", "low_harm", "moderate_harm", "severe_harm", "death"]].sum()
    assert 40 <= harm.sum() / inc.occupied_bed_days.sum() * 1000 <= 70  # s.6: 45-65 per 1,000 bed days
    assert abs(harm.no_harm / harm.sum() - 0.68) < 0.03  # s.6 grading 68/25/6/1
    ne = pd.read_csv(tmp_path / "never_events.csv")
    assert 0.5 * 370 * 0.05 < len(ne) < 1.5 * 370 * 0.05  # s.6: 370 a year at scale 1
    survey = pd.read_csv(tmp_path / "staff_survey.csv")
    assert abs(survey.engagement.median() - 6.84) < 0.15  # s.8 median engagement
    diag = pd.read_csv(tmp_path / "diagnostics_monthly.csv")
    mri = diag[diag.modality == "mri"]
    assert mri.median_report_days.median() < 5  # reports in a few days normally


def test_booking_failure_shows_in_backlog_rtt_and_requests(world, out):
    d, _ = out
    s = world.scenarios_of("booking_failure")[0]
    backlog = pd.read_csv(d / "admin_backlog_monthly.csv")
    mine = backlog[backlog.org_code == s.org_code].set_index("month")
    before = mine.loc[mine.index < s.onset_month]
    after = mine.loc[mine.index >= s.onset_month]
    assert after.referrals_not_booked.iloc[-1] > 5 * before.referrals_not_booked.mean()
    assert after.letters_not_sent.iloc[-1] > 3 * before.letters_not_sent.mean()
    rtt = pd.read_csv(d / "rtt_monthly.csv")
    r = rtt[rtt.org_code == s.org_code].groupby("month")[["within_18_weeks", "incomplete_pathways",
                                                          "harm_reviews_due", "harm_reviews_done"]].sum()
    share = r.within_18_weeks / r.incomplete_pathways
    assert share.iloc[-1] < share[share.index < s.onset_month].mean() - 0.15
    late = r[r.index >= s.onset_month]
    assert late.harm_reviews_done.sum() < 0.4 * late.harm_reviews_due.sum()
    req = pd.read_csv(d / "information_requests.csv", keep_default_na=False)
    after_req = req[(req.org_code == s.org_code) & (req.sent_date >= s.onset_month)]
    others = req[(req.org_code != s.org_code)]
    assert (after_req.answered_date == "").mean() > 0.6
    assert (others.answered_date == "").mean() < 0.15


def test_alert_deadlines_missed_by_exactly_the_noncompliant_trusts(world, out):
    d, _ = out
    comp = pd.read_csv(d / "safety_alert_compliance.csv", parse_dates=["deadline_date", "completed_date"])
    end = pd.Timestamp(world.month_starts()[-1]) - pd.Timedelta(days=1)
    missed = ((comp.completed_date > comp.deadline_date)
              | (comp.completed_date.isna() & (comp.deadline_date <= end)))
    failing = set(comp.org_code[missed])
    planted = {s.org_code for s in world.scenarios_of("alert_noncompliance")}
    assert failing == planted
    assert 0.35 <= len(failing) / comp.org_code.nunique() <= 0.65
    alerts = pd.read_csv(d / "safety_alerts.csv", parse_dates=["issued_date", "deadline_date"])
    per_year = len(alerts) / (len(world.months) / 12)
    assert 6 <= per_year <= 20 and ((alerts.deadline_date - alerts.issued_date).dt.days >= 28).all()


def test_breast_trust_mri_reports_slow_after_onset(world, out):
    d, _ = out
    s = world.scenarios_of("breast_service")[0]
    diag = pd.read_csv(d / "diagnostics_monthly.csv")
    mri = diag[(diag.modality == "mri") & (diag.org_code == s.org_code)].set_index("month")
    assert mri.loc[mri.index >= s.onset_month, "median_report_days"].min() >= 10
    assert mri.loc[mri.index < s.onset_month, "median_report_days"].max() < 8


def test_general_failure_reports_fewer_incidents_and_staff_morale_falls(world, out):
    d, _ = out
    s = world.scenarios_of("general_failure")[0]
    inc = pd.read_csv(d / "incidents_monthly.csv")
    inc["rate"] = inc[["no_harm", "low_harm", "moderate_harm", "severe_harm", "death"]].sum(axis=1) \
        / inc.occupied_bed_days
    mine = inc[inc.org_code == s.org_code].set_index("month").rate
    settled = sorted(world.months)[world.month_index(s.onset_month) + 4:]
    assert mine[settled].mean() < 0.7 * mine[mine.index < s.onset_month].mean()
    survey = pd.read_csv(d / "staff_survey.csv")
    years = [y for y in survey.survey_year.unique() if f"{y}-11" >= settled[0]]
    assert years, "the test world must have a staff survey after the failure is established"
    year = max(years)
    mine = survey[(survey.org_code == s.org_code) & (survey.survey_year == year)].engagement.iloc[0]
    others = survey[(survey.org_code != s.org_code) & (survey.survey_year == year)].engagement
    assert mine < others.quantile(0.25)


def test_noise_month_spikes_ae_breaches(tmp_path):
    # the noise month is one month at an odds ratio of ~1.6: it needs department-sized counts to show
    big = build_world(11, trusts=20, months=24, start="2023-04", scale=0.1)
    generate_ae(big, tmp_path)
    noise = [s for s in big.scenarios_of("noise_month") if s.effect["source"] == "ae_monthly"]
    assert noise
    ae = pd.read_csv(tmp_path / "ae_monthly.csv")
    for s in noise:
        mine = ae[ae.org_code == s.org_code].set_index("month")
        rate = mine.breaches_type1 / mine.attendances_type1
        m = big.month_index(s.effect["month"])
        neighbours = rate.iloc[[i for i in (m - 1, m + 1) if 0 <= i < len(rate)]].mean()
        assert rate[s.effect["month"]] > 1.25 * neighbours

"""Soft-intelligence sources: schemas, determinism, text realism, personal details and planted scenarios."""

from __future__ import annotations

import hashlib
import re

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from caresignal.domain.sources import FFT_RESPONSES, SOURCES_BY_FILE
from caresignal.synth.feedback import generate_feedback
from caresignal.synth.gp_concerns import generate_gp_concerns
from caresignal.synth.text.pii import NHS_NUMBER_PATTERN, PHONE_PATTERN, is_valid_nhs_number
from caresignal.synth.world import build_world

WORLD = dict(trusts=20, months=24, start="2023-04", scale=0.005)
_CELL = {"int": r"-?\d+", "float": r"-?\d+(\.\d+)?", "bool": r"[01]", "date": r"\d{4}-\d{2}-\d{2}",
         "month": r"\d{4}-(0[1-9]|1[0-2])"}
FAILURE_WORDS = re.compile(r"dignity|privacy|soiled|unwashed|call bell|buzzer|water|drink|thirst|dehydrat|"
                           r"rude|dismissive|abrupt|attitude|shouted|commode|pad\b|urine|left alone", re.I)


@pytest.fixture(scope="module")
def world():
    return build_world(11, **WORLD)


@pytest.fixture(scope="module")
def out(world, tmp_path_factory):
    d = tmp_path_factory.mktemp("feedback")
    return d, generate_feedback(world, d)


def _check_frame(raw: pd.DataFrame, source, name):
    assert tuple(raw.columns) == source.column_names, name
    for col in source.columns:
        values = raw[col.name].astype(object)
        missing = values.isna() | (values == "")
        assert col.nullable or not missing.any(), f"{name}:{col.name} has missing cells"
        present = values[~missing].astype(str)
        if col.type in _CELL:
            assert present.str.fullmatch(_CELL[col.type]).all(), f"{name}:{col.name}"
        if col.allowed:
            assert set(present) <= set(col.allowed), f"{name}:{col.name}"
        if col.pattern:
            assert present.str.fullmatch(col.pattern).all(), f"{name}:{col.name}"
        if col.type in ("int", "float") and len(present):
            num = present.astype(float)
            assert col.minimum is None or num.min() >= col.minimum
            assert col.maximum is None or num.max() <= col.maximum
    assert not raw.duplicated(list(source.key)).any(), f"{name}: duplicate keys"


def test_every_file_matches_its_schema(out):
    d, rows = out
    assert set(rows) == {"complaints.csv", "fft_responses.parquet", "gp_concerns.csv", "peer_reviews.csv",
                         "peer_review_measures.csv"}
    for name, n in rows.items():
        source = SOURCES_BY_FILE[name]
        if source.format == "csv":
            raw = pd.read_csv(d / name, dtype=str, keep_default_na=False)
        else:
            table = pq.read_table(d / name)
            assert [f.name for f in table.schema] == list(source.column_names)
            raw = table.to_pandas()
            raw["response_date"] = raw["response_date"].astype(str)
        assert len(raw) == n > 0, name
        _check_frame(raw, source, name)


def test_same_seed_same_bytes(out, tmp_path):
    d, rows = out
    generate_feedback(build_world(11, **WORLD), tmp_path)
    for name in rows:
        assert hashlib.sha256((tmp_path / name).read_bytes()).digest() == \
            hashlib.sha256((d / name).read_bytes()).digest(), name


def test_fft_rates_and_comment_share(out, world):
    d, _ = out
    fft = pq.read_table(d / FFT_RESPONSES.file).to_pandas()
    per_month = len(fft) / len(world.months) / world.scale
    assert 0.85e6 < per_month < 1.15e6  # brief: ~1 million a month nationally
    positive = fft.score.isin(["very_good", "good"])
    inpatient = positive[fft.service == "inpatient"].mean()
    ed = positive[fft.service == "emergency_department"].mean()
    assert 0.92 < inpatient < 0.965 and ed < inpatient  # calibration s.8: 94.6% inpatient
    assert 0.6 < fft.comment.notna().mean() < 0.72  # about two in three comment
    comments = fft.comment.dropna()
    assert comments.nunique() / len(comments) > 0.5  # varied, not one sentence per theme
    assert (fft.groupby("org_code").response_id.count() > 0).all()


def test_general_failure_complaints_and_feedback(out, world):
    d, _ = out
    s = world.scenarios_of("general_failure")[0]
    c = pd.read_csv(d / "complaints.csv", keep_default_na=False)
    c["month"] = c.received_date.str[:7]
    mine = c[c.org_code == s.org_code]
    before = mine[mine.month < s.onset_month]
    settled = mine[mine.month >= world.months[world.month_index(s.onset_month) + 3]]
    rate_before = len(before) / max(1, len(set(world.months) & set(m for m in world.months if m < s.onset_month)))
    rate_after = len(settled) / len([m for m in world.months if m >= settled.month.min()])
    assert rate_after > 1.5 * rate_before
    # few letters before onset at one trust: compare with every other trust instead
    words_elsewhere = c[c.org_code != s.org_code].text.str.count(FAILURE_WORDS).mean()
    words_after = settled.text.str.count(FAILURE_WORDS).mean()
    assert words_after > 1.8 * words_elsewhere
    fft = pq.read_table(d / FFT_RESPONSES.file, columns=["org_code", "response_date", "score"]).to_pandas()
    fft = fft[fft.org_code == s.org_code]
    month = fft.response_date.astype(str).str[:7]
    pos = fft.score.isin(["very_good", "good"])
    assert pos[month >= settled.month.min()].mean() < pos[month < s.onset_month].mean() - 0.05


def test_booking_failure_raises_lost_referral_concerns(tmp_path):
    # GP concerns are rare (~25,000 a year nationally): a larger scale makes the rise countable
    world = build_world(11, trusts=20, months=24, start="2023-04", scale=0.05)
    generate_gp_concerns(world, tmp_path)
    s = world.scenarios_of("booking_failure")[0]
    g = pd.read_csv(tmp_path / "gp_concerns.csv", keep_default_na=False)
    lost = g[(g.category == "lost_referral") & (g.raised_date >= s.onset_month)]
    per_trust = lost.groupby("org_code").size().reindex(world.orgs.org_code, fill_value=0)
    assert per_trust[s.org_code] >= 8 and per_trust[s.org_code] > 3 * per_trust.drop(s.org_code).mean()
    assert lost[lost.org_code == s.org_code].text.str.contains("referr", case=False).all()
    before = g[(g.org_code == s.org_code) & (g.raised_date < s.onset_month)]
    assert (before.category == "lost_referral").mean() < 0.15


def test_breast_peer_review_94_versus_10_percent(out, world):
    d, _ = out
    s = world.scenarios_of("breast_service")[0]
    reviews = pd.read_csv(d / "peer_reviews.csv")
    measures = pd.read_csv(d / "peer_review_measures.csv")
    planted = reviews[(reviews.org_code == s.org_code) & (reviews.service == "breast_cancer")]
    assert len(planted) == 1 and planted.serious_concern.iloc[0] == 1
    assert planted.review_date.iloc[0] >= s.onset_month
    text = planted.findings.iloc[0]
    assert "dysfunctional" in text and "site-marking" in text and "MRI" in text
    m = measures[measures.review_id == planted.review_id.iloc[0]]
    assert abs(m.self_assessed_compliant.mean() - 0.94) < 0.02
    assert abs(m.peer_review_compliant.mean() - 0.10) < 0.02
    honest = measures[measures.review_id != planted.review_id.iloc[0]].groupby("review_id")[
        ["self_assessed_compliant", "peer_review_compliant"]].mean()
    gap = honest.self_assessed_compliant - honest.peer_review_compliant
    assert gap.abs().max() < 0.35 and gap.median() < 0.12
    assert set(reviews.org_code) == set(world.orgs.org_code)  # every trust reviewed
    assert reviews.serious_concern.sum() == 1


def test_personal_details_in_text_come_from_reserved_ranges(out):
    d, _ = out
    texts = list(pd.read_csv(d / "complaints.csv", keep_default_na=False).text)
    texts += list(pd.read_csv(d / "gp_concerns.csv", keep_default_na=False).text)
    texts += [c for c in pq.read_table(d / FFT_RESPONSES.file, columns=["comment"]).column(0).to_pylist() if c]
    blob = "\n".join(texts)
    nhs = NHS_NUMBER_PATTERN.findall(blob)
    assert len(nhs) > 50
    assert all(is_valid_nhs_number(n) and n.startswith("999") for n in nhs)
    # any 10-digit run that looks like an NHS number must be one of ours
    for run in re.findall(r"(?<![\d+])\d{3}[ -]?\d{3}[ -]?\d{4}(?!\d)", blob):
        digits = re.sub(r"\D", "", run)
        if not digits.startswith("0"):
            assert digits.startswith("999") and is_valid_nhs_number(run), run
    phones = re.findall(r"(?:\+44 ?|0)\d[\d ]{8,12}\d", blob)
    assert phones and all(PHONE_PATTERN.fullmatch(p.strip()) for p in phones), \
        [p for p in phones if not PHONE_PATTERN.fullmatch(p.strip())][:3]
    emails = re.findall(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", blob)
    assert emails and all(e.endswith("@example.org") for e in emails)
    assert re.search(r"\b[A-Z]{1,2}\d{1,2} \d[A-Z]{2}\b", blob)  # postcodes
    assert re.search(r"\b\d{1,2}/\d{1,2}/(19|20)\d{2}\b", blob)  # dates of birth


def test_complaints_dates_and_outcomes(out):
    d, _ = out
    c = pd.read_csv(d / "complaints.csv", parse_dates=["received_date", "acknowledged_date", "responded_date"])
    ack = c.dropna(subset=["acknowledged_date"])
    working = np.busday_count(ack.received_date.values.astype("datetime64[D]"),
                              ack.acknowledged_date.values.astype("datetime64[D]"))
    assert (working >= 0).all() and np.mean(working <= 3) > 0.8  # 3 working days, mostly
    done = c.dropna(subset=["responded_date"])
    assert (done.responded_date > done.received_date).all()
    assert done.outcome.notna().all() and c.outcome[c.responded_date.isna()].isna().all()
    shares = done.outcome.value_counts(normalize=True)
    assert 0.18 < shares["upheld"] < 0.38 and 0.2 < shares["partly_upheld"] < 0.38

"""Friends and Family Test responses: one row per response, with a free-text comment for about two in three.

Volumes and rates (``/work/shared/reference/england_calibration.md`` section 8, and the brief):
about one million responses a month nationally at scale 1 (inpatient ~180k, emergency department ~350k,
outpatient ~400k, maternity ~60k); inpatient positive (very good + good) 94.6% response-weighted with
trust P10/P90 90.7%/97.6% and a median 2.5% negative; A&E about 88% positive in 2015 and lower since, so
84% here [A]; outpatient and maternity about 93% [A]. Responses are streamed to Parquet one month (one
row group) at a time.
"""

from __future__ import annotations

import random
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from caresignal.domain.sources import FFT_RESPONSES, FFT_SCORES
from caresignal.synth import soft_common as sc
from caresignal.synth.text import pii
from caresignal.synth.text.fft_text import FFT_SERVICE_KEYS, MIXED, NEGATIVE, NEUTRAL, POSITIVE, FftText
from caresignal.synth.text.themes import THEMES

MONTHLY_AT_SCALE1 = {"inpatient": 180_000, "emergency_department": 350_000, "outpatient": 400_000,
                     "maternity": 60_000}
POSITIVE_RATE = {"inpatient": 0.946, "emergency_department": 0.84, "outpatient": 0.935, "maternity": 0.93}
NEGATIVE_RATE = {"inpatient": 0.025, "emergency_department": 0.08, "outpatient": 0.03, "maternity": 0.035}
EXPERIENCE_LOGIT_SD = 0.5  # trust spread of logit(positive): P10/P90 90.7%/97.6% around 94.6% (section 8)
VERY_GOOD_SHARE = 0.78  # [A] of positive responses, very good rather than good
VERY_POOR_SHARE = 0.55  # [A] of negative responses, very poor rather than poor
NEITHER_SHARE = 0.6  # [A] of the rest, neither rather than don't know
COMMENT_RATE = {POSITIVE: 0.63, NEGATIVE: 0.88, MIXED: 0.8, NEUTRAL: 0.3}  # about 2/3 overall (brief)
PII_SHARE = 0.004  # [A] comments in which a respondent leaves a name, number or address
_T = {t: i for i, t in enumerate(THEMES)}
# Theme weights by tone and service [A], shaped by the subject mix of published FFT comment sets
# (pxtextmining: staff, care and communication dominate praise; waiting and communication dominate
# criticism, waiting most of all in emergency departments).
POS_WEIGHTS = {"general": 34, "staff_attitude": 30, "communication": 10, "waiting": 8, "cleanliness": 5,
               "dignity": 4, "hydration_nutrition": 3, "pain": 2, "discharge": 1.5, "medication": 1,
               "neglect": 1.5, "appointments": 2, "facilities": 1}
NEG_WEIGHTS = {"waiting": 24, "communication": 18, "staff_attitude": 12, "facilities": 8,
               "hydration_nutrition": 6, "discharge": 6, "neglect": 5, "pain": 5, "dignity": 4,
               "cleanliness": 4, "medication": 3, "appointments": 4, "general": 6, "lost_referral": 0.5}
SERVICE_TILT = {"emergency_department": {"waiting": 2.0, "discharge": 0.3, "hydration_nutrition": 0.4,
                                         "appointments": 0.02, "lost_referral": 0.0},
                "outpatient": {"appointments": 4.0, "lost_referral": 3.0, "hydration_nutrition": 0.1,
                               "neglect": 0.2, "discharge": 0.1},
                "maternity": {"pain": 1.8, "appointments": 0.3, "lost_referral": 0.0},
                "inpatient": {"appointments": 0.1, "lost_referral": 0.0}}
FAILURE_THEMES = ("dignity", "neglect", "hydration_nutrition", "staff_attitude")
FAILURE_THEME_BOOST = 3.0  # [A] negative weights of the failure themes at full effect


def _weights(base: dict[str, float], service: str) -> np.ndarray:
    w = np.array([base.get(t, 0.0) for t in THEMES], dtype=float)
    for t, f in SERVICE_TILT.get(service, {}).items():
        w[_T[t]] *= f
    return w


def _schema() -> pa.Schema:
    text = pa.dictionary(pa.int32(), pa.string())
    return pa.schema([("response_id", pa.int64()), ("org_code", text), ("response_date", pa.date32()),
                      ("service", text), ("score", text), ("comment", pa.string())])


def generate_fft(world, out_dir: Path, text: FftText | None = None) -> int:
    """Write ``fft_responses.parquet``; returns the number of rows."""
    if text is None:
        text = FftText(random.Random(int(world.rng("fft_responses", "bank").integers(2**62))))
    orgs = world.orgs
    n_org = len(orgs)
    starts, days, calendar = sc.month_arrays(world)
    exp = sc.trait(world, "experience")
    ae = sc.trait(world, "ae_perf")
    failure = sc.ramp(world, "general_failure", ramp_months=4, source=FFT_RESPONSES.name)
    gf = sc.scenario_of(world, "general_failure")
    drop = float(gf.effect.get("fft_positive_drop", 0.10)) if gf else 0.0
    nonspec = sc.nonspecialist(world)
    eligible = {"inpatient": None, "emergency_department": nonspec, "outpatient": None, "maternity": nonspec}
    theme_bias = np.exp(world.rng("fft_responses", "theme_bias").normal(0, 0.25, (n_org, len(THEMES))))
    org_dict = pa.array(orgs["org_code"].astype(str).tolist(), type=pa.string())
    service_dict = pa.array(list(FFT_SERVICE_KEYS), type=pa.string())
    score_dict = pa.array(list(FFT_SCORES), type=pa.string())
    path = Path(out_dir) / FFT_RESPONSES.file
    next_id = 1
    writer = pq.ParquetWriter(path, _schema(), compression="snappy", store_schema=False,
                              use_dictionary=["org_code", "service", "score"], write_statistics=False)
    # Parquet encoding releases the GIL: write month m in a thread while month m+1 is generated.
    pool = ThreadPoolExecutor(max_workers=1)
    pending = None
    try:
        for m in range(len(world.months)):
            rng = world.rng("fft_responses", world.months[m])
            parts = []
            for si, service in enumerate(FFT_SERVICE_KEYS):
                lam = sc.volume(world, MONTHLY_AT_SCALE1[service] * 12, eligible[service]) / 12
                lam = lam * days[m] / sc.DAYS_PER_MONTH * (1 + 0.04 * sc.winter(calendar[m]))
                n = sc.poisson_months(rng, lam, noise_sd=0.1)
                org = np.repeat(np.arange(n_org), n)
                shift = EXPERIENCE_LOGIT_SD * exp + (0.3 * ae if service == "emergency_department" else 0)
                p0 = POSITIVE_RATE[service]
                p_pos = 1 / (1 + np.exp(-(np.log(p0 / (1 - p0)) + shift)))
                q0 = NEGATIVE_RATE[service] / (1 - p0)  # negative share of the non-positive remainder
                p_pos = np.clip(p_pos - drop * failure[:, m], 0.3, 0.995)
                p_neg = (1 - p_pos) * np.clip(q0 + 0.5 * drop * failure[:, m], 0, 0.95)
                parts.append((si, service, org, p_pos[org], p_neg[org]))
            rows = _month_rows(rng, parts, failure[:, m], theme_bias, text, days[m])
            if rows is None:
                continue
            org, service_idx, day, score, comment = rows
            n = len(org)
            table = pa.table({
                "response_id": pa.array(np.arange(next_id, next_id + n, dtype=np.int64)),
                "org_code": _decoded(org, org_dict),
                "response_date": pa.array((starts[m] + day).astype("datetime64[D]"), type=pa.date32()),
                "service": _decoded(service_idx, service_dict),
                "score": _decoded(score, score_dict),
                "comment": comment,
            }, schema=_schema())
            if pending is not None:
                pending.result()
            pending = pool.submit(writer.write_table, table)
            next_id += n
        if pending is not None:
            pending.result()
    finally:
        pool.shutdown(wait=True)
        writer.close()
    return next_id - 1


def _decoded(indices: np.ndarray, dictionary: pa.Array) -> pa.Array:
    """A dictionary-encoded string column from small integer codes: Parquet stores it as its own
    dictionary pages, and readers (DuckDB, pyarrow without ``store_schema``) see plain strings."""
    return pa.DictionaryArray.from_arrays(pa.array(indices.astype(np.int32)), dictionary)


def _month_rows(rng, parts, failure_m, theme_bias, text: FftText, n_days: int):
    """Scores, dates, themes and comments of one month's responses, sorted by trust and date."""
    org = np.concatenate([p[2] for p in parts])
    if org.size == 0:
        return None
    n = len(org)
    service_idx = np.concatenate([np.full(len(p[2]), p[0]) for p in parts])
    day = rng.integers(0, n_days, n)
    key = org * 32 + day
    # a stable sort of 16-bit keys is a radix sort in numpy: linear time
    order = np.argsort(key.astype(np.uint16) if key.max() < 2**16 else key, kind="stable")
    org, service_idx, day = org[order], service_idx[order], day[order]
    p_pos = np.concatenate([p[3] for p in parts])[order]
    p_neg = np.concatenate([p[4] for p in parts])[order]
    u = rng.random(n)
    tone = np.where(u < p_pos, POSITIVE, np.where(u < p_pos + p_neg, NEGATIVE, MIXED))
    neutral = (tone == MIXED) & (rng.random(n) >= NEITHER_SHARE)
    tone = np.where(neutral, NEUTRAL, tone)
    v = rng.random(n)
    score = np.select([tone == POSITIVE, tone == NEGATIVE, tone == MIXED],
                      [np.where(v < VERY_GOOD_SHARE, 0, 1), np.where(v < VERY_POOR_SHARE, 4, 3), 2], 5)
    has_comment = rng.random(n) < np.select([tone == POSITIVE, tone == NEGATIVE, tone == MIXED],
                                            [COMMENT_RATE[POSITIVE], COMMENT_RATE[NEGATIVE], COMMENT_RATE[MIXED]],
                                            COMMENT_RATE[NEUTRAL])
    theme1 = np.zeros(n, dtype=np.int64)
    theme2 = np.zeros(n, dtype=np.int64)
    boost = np.ones((len(failure_m), len(THEMES)))
    for t in FAILURE_THEMES:
        boost[:, _T[t]] += (FAILURE_THEME_BOOST - 1) * failure_m
    for si, service, *_ in parts:
        sel = np.flatnonzero(has_comment & (service_idx == si))
        if sel.size == 0:
            continue
        # Rows (trust, sentiment) of normalised cumulative weights, laid end to end and shifted by the
        # row number, so one searchsorted draws every record's theme from its own row.
        weights = np.concatenate([_weights(POS_WEIGHTS, service) * theme_bias,
                                  _weights(NEG_WEIGHTS, service) * theme_bias * boost])
        cdf = np.cumsum(weights, axis=1)
        cdf = cdf / cdf[:, -1:]
        flat = (cdf + np.arange(len(cdf))[:, None]).ravel()
        o = org[sel]
        for target, use_neg in ((theme1, tone[sel] == NEGATIVE), (theme2, tone[sel] != POSITIVE)):
            row = o + use_neg * len(theme_bias)
            pos = np.searchsorted(flat, row + rng.random(sel.size) * (1 - 1e-12), side="right")
            target[sel] = np.minimum(pos - row * len(THEMES), len(THEMES) - 1)
    extra = _personal_details(rng, has_comment)
    comments = text.compose(rng, service_idx, tone, theme1, theme2, has_comment, extra)
    return org, service_idx, day, score, comments


_PII_TAILS = ("My name is {NAME} if you want to contact me on {PHONE}.", "Please pass on my thanks. {NAME}, {EMAIL}",
              "Happy to be contacted: {PHONE}.", "NHS number {NHS} in case you need to look me up.",
              "I'm {NAME}, {ADDR}.", "You can email me at {EMAIL}.", "Ring me on {PHONE} - {NAME}",
              "(patient {NAME}, DOB {DOB})", "my nhs no is {NHS}")


def _personal_details(rng: np.random.Generator, has_comment: np.ndarray) -> pa.Array | None:
    """A closing remark with a name, phone, email, address, date of birth or NHS number for a small
    share of comments (null elsewhere), appended to the comment by :meth:`FftText.compose`."""
    n = len(has_comment)
    idx = np.flatnonzero(has_comment & (rng.random(n) < PII_SHARE))
    if idx.size == 0:
        return None
    k = idx.size
    first, last = pii.person_names(rng, k)
    nhs = pii.format_nhs_numbers(pii.nhs_numbers(rng, k), rng)
    phone = pii.phone_numbers(rng, k)
    email = pii.emails(rng, first, last)
    addr = pii.addresses(rng, k)
    dob = pii.dates_of_birth(rng, rng.integers(18, 95, k), 2024)
    tail = rng.integers(0, len(_PII_TAILS), k).tolist()
    values = pa.array([_PII_TAILS[t].format(NAME=f"{f} {s}", PHONE=p, EMAIL=e, NHS=h, ADDR=a, DOB=d)
                       for t, f, s, p, e, h, a, d in zip(tail, first, last, phone, email, nhs, addr, dob)],
                      type=pa.string())
    where = np.full(n, -1, dtype=np.int64)
    where[idx] = np.arange(k)
    mask = where < 0
    return values.take(pa.array(np.where(mask, 0, where), mask=mask))

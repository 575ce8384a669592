"""Concerns raised by GP practices about a provider trust (soft intelligence).

Volume [A]: no national count is published; commissioners' GP feedback schemes typically log a few
hundred items per trust a year, so 25,000 a year nationally at scale 1 (about 170 per average trust).
Category mix [A]: discharge summaries and communication dominate such logs; lost referrals are rare
until a booking system fails (world contract: ``gp_lost_referral_rate_ratio`` about 8).
"""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pandas as pd

from caresignal.domain.sources import GP_CONCERN_CATEGORIES, GP_CONCERNS
from caresignal.synth import soft_common as sc
from caresignal.synth.text.gp_text import GpText

NATIONAL_PER_YEAR = 25_000
CATEGORY_WEIGHTS = {"lost_referral": 5, "discharge_summary": 24, "communication": 19, "clinical_care": 14,
                    "appointment_booking": 13, "test_results": 10, "medication": 10, "attitude": 5}
PRACTICES_PER_TRUST = 30  # [A] practices in a trust's catchment that raise concerns with it


def generate_gp_concerns(world, out_dir: Path, text: GpText | None = None) -> int:
    """Write ``gp_concerns.csv``; returns the number of rows."""
    if text is None:
        text = GpText(random.Random(int(world.rng("gp_concerns", "bank").integers(2**62))))
    rng = world.rng("gp_concerns", "volume")
    n_org, n_m = len(world.orgs), len(world.months)
    starts, days, _ = sc.month_arrays(world)
    cats = list(GP_CONCERN_CATEGORIES)
    base = np.array([CATEGORY_WEIGHTS[c] for c in cats], dtype=float)
    base = base / base.sum()
    bf = sc.scenario_of(world, "booking_failure")
    ratio = float(bf.effect.get("gp_lost_referral_rate_ratio", 8.0)) if bf else 1.0
    booking = sc.ramp(world, "booking_failure", ramp_months=3, source=GP_CONCERNS.name)
    level = np.exp(rng.normal(0, 0.3, n_org) - 0.2 * sc.trait(world, "responsiveness"))
    lam = (sc.volume(world, NATIONAL_PER_YEAR) * level)[:, None, None] / 12 \
        * (days / sc.DAYS_PER_MONTH)[None, :, None] * base[None, None, :]
    mult = np.ones((n_org, n_m, len(cats)))
    mult[:, :, cats.index("lost_referral")] += (ratio - 1) * booking
    mult[:, :, cats.index("appointment_booking")] += (ratio / 3 - 1) * booking  # [A] knock-on
    counts = rng.poisson(lam * mult)
    flat = counts.ravel()
    cell = np.repeat(np.arange(flat.size), flat)
    org, month, cat = np.unravel_index(cell, counts.shape)
    rng = world.rng("gp_concerns", "records")
    raised = starts[month] + rng.integers(0, days[month]).astype("timedelta64[D]")
    order = np.lexsort((cat, raised, org))
    org, month, cat, raised = org[order], month[order], cat[order], raised[order]
    texts = text.concerns(rng, cat, raised, risk_boost=0.5 * booking[org, month])
    codes = world.orgs["org_code"].to_numpy()
    # Each trust has its own fictional practices: 'Z' (no real practice code starts with it) + 5 digits.
    practice = (np.arange(n_org)[org] * PRACTICES_PER_TRUST
                + np.minimum(rng.zipf(1.6, len(org)) - 1, PRACTICES_PER_TRUST - 1)) % 100_000
    frame = pd.DataFrame({
        "concern_id": [f"{c}-GPC-{i + 1:06d}" for i, c in enumerate(codes[org].tolist())],
        "practice_code": [f"Z{p:05d}" for p in practice.tolist()],
        "org_code": codes[org], "raised_date": sc.dates_iso(raised),
        "category": np.array(cats)[cat], "text": texts,
    })
    return sc.write_csv(frame, GP_CONCERNS, out_dir)

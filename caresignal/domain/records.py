"""Plain typed records passed between layers. Repositories return these, never ORM rows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import Enum


class Improvement(str, Enum):
    """Which direction of an indicator is better (Making Data Count's improvement direction)."""

    INCREASE = "increase"
    DECREASE = "decrease"
    NEUTRAL = "neutral"


@dataclass(frozen=True)
class Organisation:
    org_code: str
    org_name: str
    region: str
    icb: str
    trust_type: str
    teaching: bool
    beds: int
    cancer_network: str
    synthetic: bool


@dataclass(frozen=True)
class Indicator:
    """One registry indicator: what it measures, from which source, which way is better and how it is
    monitored. ``method`` names a statistics-core method; ``params`` are its parameters."""

    id: str
    name: str
    domain: str
    source: str
    unit: str  # proportion | rate | count | ratio | score | days
    improvement: Improvement
    method: str
    params: dict
    description: str = ""
    multiplier: float = 1.0  # display scale: 100 for percentages, 1000 for per-1,000 rates


@dataclass(frozen=True)
class Observation:
    """A value of an indicator for an organisation over a period (month ``YYYY-MM`` or year ``YYYY``).

    ``value`` is numerator/denominator for proportions and rates, observed/expected for ratios, or the
    numerator itself for counts and scores.
    """

    org_code: str
    indicator_id: str
    period: str
    period_start: dt.date
    numerator: float
    denominator: float | None = None
    expected: float | None = None
    value: float | None = None

"""Arranging stored records for display: filters, sort orders and the organisations-by-indicator table.

Nothing here computes a statistic. Values are the store's observations, placed in rows and ordered;
the query parameters that choose the filter and the order are validated once, here, for both the
pages and the API, with messages that list the allowed values.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Iterable, Sequence

from caresignal.domain.errors import OptionError
from caresignal.domain.records import Indicator, Observation, Organisation
from caresignal.domain.sources import REGIONS, TRUST_TYPES
from caresignal.web.formatting import format_value

# The handful of indicators shown against every organisation on the home page, in this order, with the
# short column heading used there. They are the measures a commissioner looks at first: access (A&E
# four-hour and RTT 18-week standards), outcome (crude mortality), experience (complaints, Friends and
# Family Test) and safety (never events). Ids the registry does not define are left out.
HEADLINE_INDICATORS = (
    ("ae_4h_all", "A&E 4-hour"),
    ("rtt_within_18_weeks", "RTT 18 weeks"),
    ("mortality_30d_crude", "Crude mortality"),
    ("complaints_per_1000_spells", "Complaints"),
    ("fft_positive_inpatient", "FFT positive"),
    ("never_events", "Never events"),
)

ORG_SORT_KEYS = ("name", "code", "region", "trust_type")
ORDERS = ("asc", "desc")


def check_option(name: str, value: str | None, allowed: Sequence[str]) -> str | None:
    """``value`` if empty or allowed; otherwise an ``OptionError`` naming the parameter and choices."""
    if value in (None, ""):
        return None
    if value not in allowed:
        shown = ", ".join(repr(a) for a in allowed)
        raise OptionError(f"query parameter {name!r} must be one of {shown}; got {value!r}")
    return value


def filter_organisations(orgs: Iterable[Organisation], *, region: str | None = None,
                         trust_type: str | None = None) -> list[Organisation]:
    """Organisations in ``region`` and of ``trust_type`` (either may be None for all)."""
    region = check_option("region", region, REGIONS)
    trust_type = check_option("trust_type", trust_type, TRUST_TYPES)
    return [o for o in orgs
            if (region is None or o.region == region) and (trust_type is None or o.trust_type == trust_type)]


def headline_indicators(indicators: Iterable[Indicator],
                        wanted: Sequence[tuple[str, str]] = HEADLINE_INDICATORS) -> list[Indicator]:
    """The registry's indicators named in ``wanted`` (id, short heading), in that order."""
    by_id = {i.id: i for i in indicators}
    return [by_id[i] for i, _ in wanted if i in by_id]


def short_heading(indicator: Indicator) -> str:
    """The home page's column heading for a headline indicator (its name if it has no short one)."""
    return dict(HEADLINE_INDICATORS).get(indicator.id, indicator.name)


@dataclass(frozen=True)
class Cell:
    """One figure on a page: the indicator, its latest observation (or None) and the shown text."""

    indicator: Indicator
    observation: Observation | None
    display: str

    @property
    def value(self) -> float | None:
        obs = self.observation
        if obs is None or obs.value is None or not math.isfinite(float(obs.value)):
            return None
        return float(obs.value)


@dataclass(frozen=True)
class OrganisationRow:
    organisation: Organisation
    cells: tuple[Cell, ...]


def latest_by_org(latest: Iterable[Observation]) -> dict[tuple[str, str], Observation]:
    """Index observations by (organisation, indicator). If the store returned more than one period for
    a pair, the latest period wins."""
    out: dict[tuple[str, str], Observation] = {}
    for obs in latest:
        key = (obs.org_code, obs.indicator_id)
        if key not in out or obs.period_start > out[key].period_start:
            out[key] = obs
    return out


def cells_for(org_code: str, indicators: Sequence[Indicator],
              latest: dict[tuple[str, str], Observation]) -> tuple[Cell, ...]:
    cells = []
    for ind in indicators:
        obs = latest.get((org_code, ind.id))
        cells.append(Cell(ind, obs, format_value(obs.value if obs else None, ind)))
    return tuple(cells)


def organisation_rows(orgs: Sequence[Organisation], indicators: Sequence[Indicator],
                      latest: Iterable[Observation], *, sort: str | None = None,
                      order: str | None = None) -> list[OrganisationRow]:
    """One row per organisation with its latest figure for each of ``indicators``, sorted.

    ``sort`` is ``name`` (default), ``code``, ``region``, ``trust_type`` or the id of one of
    ``indicators``; ``order`` is ``asc`` (default) or ``desc``. Organisations without a value for the
    sort indicator go last in either order.
    """
    sort = check_option("sort", sort, ORG_SORT_KEYS + tuple(i.id for i in indicators)) or "name"
    order = check_option("order", order, ORDERS) or "asc"
    index = latest_by_org(latest)
    rows = [OrganisationRow(o, cells_for(o.org_code, indicators, index)) for o in orgs]
    reverse = order == "desc"
    if sort in ORG_SORT_KEYS:
        attr = {"name": "org_name", "code": "org_code"}.get(sort, sort)
        return sorted(rows, key=lambda r: (str(getattr(r.organisation, attr)).lower(),
                                           r.organisation.org_code), reverse=reverse)
    position = [i.id for i in indicators].index(sort)
    present = [r for r in rows if r.cells[position].value is not None]
    missing = [r for r in rows if r.cells[position].value is None]
    present.sort(key=lambda r: (r.cells[position].value, r.organisation.org_code), reverse=reverse)
    missing.sort(key=lambda r: r.organisation.org_name.lower())
    return present + missing

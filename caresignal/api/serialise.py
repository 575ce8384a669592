"""Domain records as JSON-ready dictionaries. Values are passed through unchanged; ``display`` adds the
text the dashboard shows for the same figure, so API and pages cannot disagree."""

from __future__ import annotations

import math

from caresignal.domain.records import Indicator, Observation, Organisation
from caresignal.web.formatting import format_value, unit_label
from caresignal.web.urls import Urls


def _number(x: float | None) -> float | None:
    """JSON has no NaN or infinity: those become null."""
    if x is None:
        return None
    x = float(x)
    return x if math.isfinite(x) else None


def organisation(org: Organisation, urls: Urls) -> dict:
    return {
        "org_code": org.org_code,
        "org_name": org.org_name,
        "region": org.region,
        "icb": org.icb,
        "trust_type": org.trust_type,
        "teaching": bool(org.teaching),
        "beds": int(org.beds),
        "cancer_network": org.cancer_network,
        "synthetic": bool(org.synthetic),
        "html_url": urls.organisation(org.org_code),
        "api_url": urls.api_organisation(org.org_code),
    }


def indicator(ind: Indicator) -> dict:
    return {
        "id": ind.id,
        "name": ind.name,
        "domain": ind.domain,
        "source": ind.source,
        "unit": ind.unit,
        "unit_label": unit_label(ind),
        "multiplier": ind.multiplier,
        "improvement": getattr(ind.improvement, "value", ind.improvement),
        "method": ind.method,
        "params": dict(ind.params),
        "description": ind.description,
    }


def observation(obs: Observation, ind: Indicator | None) -> dict:
    return {
        "org_code": obs.org_code,
        "indicator_id": obs.indicator_id,
        "period": obs.period,
        "period_start": obs.period_start.isoformat(),
        "numerator": _number(obs.numerator),
        "denominator": _number(obs.denominator),
        "expected": _number(obs.expected),
        "value": _number(obs.value),
        "display": format_value(obs.value, ind) if ind is not None else None,
    }

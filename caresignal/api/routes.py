"""JSON routes under ``/api``: thin handlers that read the store and return its records.

Every success body carries ``"ok": true``; every error has the one shape of ``caresignal.api.errors``.
"""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request

from caresignal.api import serialise
from caresignal.web import urls as routes
from caresignal.web.listing import filter_organisations, latest_by_org


def _store(request: Request):
    return request.app.state.store


def _urls(request: Request):
    return request.app.state.urls


def _organisation_or_404(request: Request, org_code: str):
    org = _store(request).organisation(org_code)
    if org is None:
        raise HTTPException(404, f"no organisation with code {org_code!r}")
    return org


router = APIRouter()


@router.get(routes.API_ORGANISATIONS_ROUTE)
def organisations(request: Request, region: str | None = None, trust_type: str | None = None) -> dict:
    """Every organisation, optionally only those in ``region`` or of ``trust_type``."""
    orgs = filter_organisations(_store(request).organisations(), region=region, trust_type=trust_type)
    orgs = sorted(orgs, key=lambda o: o.org_code)
    urls = _urls(request)
    return {"ok": True, "count": len(orgs), "organisations": [serialise.organisation(o, urls) for o in orgs]}


@router.get(routes.API_ORGANISATION_ROUTE)
def organisation(request: Request, org_code: str) -> dict:
    """An organisation with the latest observation of every indicator it has data for."""
    org = _organisation_or_404(request, org_code)
    store, urls = _store(request), _urls(request)
    indicators = {i.id: i for i in store.indicators()}
    latest = latest_by_org(store.latest_observations(org_code=org.org_code))
    out = []
    for (_, indicator_id), obs in sorted(latest.items()):
        item = serialise.observation(obs, indicators.get(indicator_id))
        item["series_url"] = urls.api_series(org.org_code, indicator_id)
        out.append(item)
    return {"ok": True, "organisation": serialise.organisation(org, urls), "latest": out}


@router.get(routes.API_INDICATORS_ROUTE)
def indicators(request: Request) -> dict:
    """The indicator registry."""
    items = [serialise.indicator(i) for i in _store(request).indicators()]
    return {"ok": True, "count": len(items), "indicators": items}


@router.get(routes.API_SERIES_ROUTE)
def series(request: Request, org_code: str, indicator_id: str) -> dict:
    """Every observation of one indicator for one organisation, oldest period first."""
    org = _organisation_or_404(request, org_code)
    store = _store(request)
    ind = store.indicator(indicator_id)
    if ind is None:
        raise HTTPException(404, f"no indicator with id {indicator_id!r}; the registry is at "
                                 f"{_urls(request).api_indicators()}")
    observations = sorted(store.observations(org.org_code, ind.id), key=lambda o: o.period_start)
    return {"ok": True, "organisation": serialise.organisation(org, _urls(request)),
            "indicator": serialise.indicator(ind),
            "count": len(observations),
            "observations": [serialise.observation(o, ind) for o in observations]}

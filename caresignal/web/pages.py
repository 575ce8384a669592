"""Server-rendered pages: thin handlers that read the store, arrange records and render a template."""

from __future__ import annotations

from collections import OrderedDict

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse

from caresignal.domain.sources import REGIONS, SOURCES, TRUST_TYPES
from caresignal.web import urls as routes
from caresignal.web.listing import (ORG_SORT_KEYS, cells_for, filter_organisations, headline_indicators,
                                    latest_by_org, organisation_rows)

router = APIRouter()


def render(request: Request, template: str, status_code: int = 200, **context) -> HTMLResponse:
    """Render ``template`` with the site-wide context (URLs, whether the data are synthetic)."""
    return request.app.state.templates.TemplateResponse(request, template, context, status_code=status_code)


@router.get(routes.HOME_ROUTE, response_class=HTMLResponse)
def home(request: Request, region: str | None = None, trust_type: str | None = None,
         sort: str | None = None, order: str | None = None):
    """Organisations with their latest figures for the headline indicators."""
    store = request.app.state.store
    all_orgs = store.organisations()
    orgs = filter_organisations(all_orgs, region=region, trust_type=trust_type)
    headline = headline_indicators(store.indicators())
    rows = organisation_rows(orgs, headline, store.latest_observations(), sort=sort, order=order)
    return render(request, "home.html", rows=rows, headline=headline, total=len(all_orgs),
                  region=region or "", trust_type=trust_type or "", sort=sort or "name",
                  order=order or "asc", regions=REGIONS, trust_types=TRUST_TYPES,
                  org_sort_keys=ORG_SORT_KEYS)


@router.get(routes.ORGANISATION_ROUTE, response_class=HTMLResponse)
def organisation(request: Request, org_code: str):
    """One organisation: its details and the latest value of every registry indicator."""
    store = request.app.state.store
    org = store.organisation(org_code)
    if org is None:
        raise HTTPException(404, f"There is no organisation with the code {org_code!r}.")
    indicators = store.indicators()
    latest = latest_by_org(store.latest_observations(org_code=org.org_code))
    by_domain: OrderedDict[str, list] = OrderedDict()
    for cell in cells_for(org.org_code, indicators, latest):
        by_domain.setdefault(cell.indicator.domain, []).append(cell)
    return render(request, "organisation.html", org=org, by_domain=by_domain,
                  with_data=len(latest), n_indicators=len(indicators))


@router.get(routes.INDICATORS_ROUTE, response_class=HTMLResponse)
def indicators(request: Request):
    """The indicator registry: what each indicator measures, its source, unit and method."""
    inds = request.app.state.store.indicators()
    by_domain: OrderedDict[str, list] = OrderedDict()
    for ind in sorted(inds, key=lambda i: (i.domain, i.name)):
        by_domain.setdefault(ind.domain, []).append(ind)
    return render(request, "indicators.html", by_domain=by_domain, count=len(inds))


@router.get(routes.ABOUT_DATA_ROUTE, response_class=HTMLResponse)
def about_data(request: Request):
    """Where the data come from, and that the synthetic organisations are fictional."""
    return render(request, "about_data.html", sources=list(SOURCES.values()))

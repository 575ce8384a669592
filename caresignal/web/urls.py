"""Every URL the dashboard and the API serve, built in one place.

Templates and handlers never concatenate paths: they ask ``Urls`` (the shape of datasette's
``url_builder.Urls``). Route declarations in ``caresignal.web.pages`` and ``caresignal.api.routes`` use
the ``*_ROUTE`` patterns below, so a path changes here or nowhere.
"""

from __future__ import annotations

from urllib.parse import quote, urlencode

# Route patterns (FastAPI path syntax). Each has a builder method on ``Urls``.
HOME_ROUTE = "/"
ORGANISATION_ROUTE = "/organisations/{org_code}"
INDICATORS_ROUTE = "/indicators"
ABOUT_DATA_ROUTE = "/about/data"
STATIC_ROUTE = "/static"  # our own CSS
NHSUK_ROUTE = "/static/nhsuk"  # node_modules/nhsuk-frontend/dist/nhsuk
# The NHS.UK CSS refers to its icons at the absolute path /assets/images/..., so its assets folder is
# also served there.
NHSUK_ASSETS_ROUTE = "/assets"
API_ROUTE = "/api"
API_ORGANISATIONS_ROUTE = "/api/organisations"
API_ORGANISATION_ROUTE = "/api/organisations/{org_code}"
API_INDICATORS_ROUTE = "/api/indicators"
API_SERIES_ROUTE = "/api/organisations/{org_code}/indicators/{indicator_id}"


def _segment(value: str) -> str:
    """Percent-encode one path segment (a code or id never contributes a ``/``)."""
    return quote(str(value), safe="")


def _with_query(path: str, params: dict[str, object]) -> str:
    kept = {k: v for k, v in params.items() if v not in (None, "")}
    return f"{path}?{urlencode(kept)}" if kept else path


class Urls:
    """Builds every path of the site; ``base`` is a prefix when the app is mounted below ``/``."""

    def __init__(self, base: str = ""):
        self.base = base.rstrip("/")

    def _path(self, path: str) -> str:
        return f"{self.base}{path}" if self.base else path

    # Pages ---------------------------------------------------------------------------------------
    def home(self, *, region: str | None = None, trust_type: str | None = None, sort: str | None = None,
             order: str | None = None) -> str:
        """The organisations list, optionally filtered and sorted (query parameters)."""
        return _with_query(self._path(HOME_ROUTE),
                           {"region": region, "trust_type": trust_type, "sort": sort, "order": order})

    def organisation(self, org_code: str) -> str:
        return self._path(ORGANISATION_ROUTE.format(org_code=_segment(org_code)))

    def indicators(self) -> str:
        return self._path(INDICATORS_ROUTE)

    def indicator(self, indicator_id: str) -> str:
        """An indicator's entry in the registry page (an anchor on ``/indicators``)."""
        return f"{self.indicators()}#{_segment(indicator_id)}"

    def about_data(self) -> str:
        return self._path(ABOUT_DATA_ROUTE)

    # Static assets -------------------------------------------------------------------------------
    def static(self, filename: str) -> str:
        """One of our own static files (``caresignal/web/static``)."""
        return self._path(f"{STATIC_ROUTE}/{quote(filename)}")

    def nhsuk(self, filename: str) -> str:
        """A file of the NHS.UK frontend distribution, e.g. ``nhsuk-frontend.min.css``."""
        return self._path(f"{NHSUK_ROUTE}/{quote(filename)}")

    def nhsuk_asset(self, filename: str) -> str:
        """A file of the NHS.UK frontend's ``assets`` folder, e.g. ``images/favicon.svg``."""
        return self._path(f"{NHSUK_ASSETS_ROUTE}/{quote(filename)}")

    # JSON API ------------------------------------------------------------------------------------
    def api_organisations(self) -> str:
        return self._path(API_ORGANISATIONS_ROUTE)

    def api_organisation(self, org_code: str) -> str:
        return self._path(API_ORGANISATION_ROUTE.format(org_code=_segment(org_code)))

    def api_indicators(self) -> str:
        return self._path(API_INDICATORS_ROUTE)

    def api_series(self, org_code: str, indicator_id: str) -> str:
        """Every observation of one indicator for one organisation, oldest period first."""
        return self._path(API_SERIES_ROUTE.format(org_code=_segment(org_code),
                                                  indicator_id=_segment(indicator_id)))

"""The dashboard and JSON API as one FastAPI application over one store.

``create_app(database_url)`` opens the store (creating its tables when it has none, so a new SQLite
file serves an empty dashboard that says how to load data), mounts the NHS.UK frontend from
``node_modules`` and our own CSS, and registers the pages and the ``/api`` routes. Errors under ``/api`` are JSON in the shape
of ``caresignal.api.errors``; errors on pages are an NHS.UK-styled page with the same wording.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException

from caresignal.api.errors import json_error, reason
from caresignal.api.routes import router as api_router
from caresignal.domain.errors import CareSignalError
from caresignal.web import assets, formatting
from caresignal.web import urls as routes
from caresignal.web.listing import short_heading
from caresignal.web.pages import router as pages_router

log = logging.getLogger("caresignal.web")

SERVICE_NAME = "CareSignal"


def _is_api(request: Request) -> bool:
    path = request.url.path
    return path == routes.API_ROUTE or path.startswith(routes.API_ROUTE + "/")


def _site_context(request: Request) -> dict:
    """Context every template gets: the URL builder, formatters, and whether the data are synthetic."""
    state = request.app.state
    try:
        orgs = state.store.organisations()
    except Exception:  # an error page must still render when the store itself is the problem
        orgs = []
    return {
        "urls": state.urls,
        "service_name": SERVICE_NAME,
        "synthetic": any(o.synthetic for o in orgs),
        "nhsuk_css": state.urls.nhsuk(assets.NHSUK_CSS),
        "nhsuk_js": state.urls.nhsuk(assets.NHSUK_JS),
        "current_path": request.url.path,
    }


def _templates() -> Jinja2Templates:
    templates = Jinja2Templates(directory=str(assets.TEMPLATES_DIR), context_processors=[_site_context])
    env = templates.env
    env.filters["period"] = formatting.format_period
    env.filters["count"] = formatting.format_count
    env.filters["humanise"] = formatting.humanise
    env.globals["unit_label"] = formatting.unit_label
    env.globals["short_heading"] = short_heading
    env.globals["NO_DATA"] = formatting.NO_DATA
    return templates


def _error(request: Request, status: int, detail: str):
    if _is_api(request):
        return json_error(status, detail)
    return request.app.state.templates.TemplateResponse(
        request, "error.html", {"status": status, "error": reason(status), "detail": detail},
        status_code=status)


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        detail = exc.detail if isinstance(exc.detail, str) else reason(exc.status_code)
        if exc.status_code == 404 and detail == reason(404):
            detail = f"There is nothing at {request.url.path}."
        return _error(request, exc.status_code, detail)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError):
        parts = []
        for err in exc.errors():
            where = ".".join(str(p) for p in err.get("loc", ()) if p not in ("query", "path", "body"))
            parts.append(f"{where}: {err.get('msg', 'invalid')}" if where else err.get("msg", "invalid"))
        return _error(request, 400, "; ".join(parts) or "invalid request")

    @app.exception_handler(CareSignalError)
    async def caresignal_error(request: Request, exc: CareSignalError):
        return _error(request, 400, str(exc))

    @app.exception_handler(Exception)
    async def unexpected_error(request: Request, exc: Exception):
        log.exception("unhandled error on %s", request.url.path)
        return _error(request, 500, "Something went wrong on the server; the server log has the details.")


def create_app(database_url: str) -> FastAPI:
    """The CareSignal web application reading the store at ``database_url``.

    Raises ``AssetsMissingError`` (with the fix: run ``make setup``) when the NHS.UK frontend is not
    installed in ``node_modules``.
    """
    from caresignal.store.repository import Store

    dist = assets.nhsuk_dist()
    store = Store(database_url)
    try:
        store.indicators()
    except CareSignalError:
        # A store never loaded has no tables yet: create them, so the dashboard serves an empty store
        # that says how to load data. An existing store is only read, never rewritten by serving.
        store.migrate()

    app = FastAPI(title="CareSignal", summary="Open quality surveillance for health services",
                  docs_url=None, redoc_url=None, openapi_url=routes.API_ROUTE + "/openapi.json")
    app.state.store = store
    app.state.urls = routes.Urls()
    app.state.templates = _templates()
    app.mount(routes.NHSUK_ROUTE, StaticFiles(directory=str(dist)), name="nhsuk")
    app.mount(routes.NHSUK_ASSETS_ROUTE, StaticFiles(directory=str(dist / "assets")), name="nhsuk-assets")
    app.mount(routes.STATIC_ROUTE, StaticFiles(directory=str(assets.STATIC_DIR)), name="static")
    app.include_router(api_router)
    app.include_router(pages_router)
    _install_error_handlers(app)
    return app

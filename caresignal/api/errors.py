"""The one JSON error shape of the API, pinned by ``tests/web/test_error_shape.py``.

Every error the API returns, whatever raised it (unknown URL, unknown organisation, a bad query
parameter, an unexpected failure), has the body::

    {"ok": false, "status": 404, "error": "Not Found", "detail": "no organisation with code 'ZZZ99'"}

``status`` repeats the HTTP status code, ``error`` is its reason phrase and ``detail`` says what was
wrong in words a user can act on. A traceback never reaches the client.
"""

from __future__ import annotations

from http import HTTPStatus

from fastapi.responses import JSONResponse

ERROR_KEYS = ("ok", "status", "error", "detail")


def reason(status: int) -> str:
    """The HTTP reason phrase of a status code (``404`` -> ``Not Found``)."""
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def error_body(status: int, detail: str) -> dict:
    """The error body for ``status`` with a human ``detail``."""
    return {"ok": False, "status": int(status), "error": reason(status), "detail": str(detail)}


def json_error(status: int, detail: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(error_body(status, detail), status_code=int(status), headers=headers)

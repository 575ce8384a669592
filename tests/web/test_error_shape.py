"""One JSON error shape for the whole API: every error carries exactly these keys, with the HTTP status
repeated in the body (the shape of datasette's tests/test_error_shape.py)."""

from __future__ import annotations

import pytest

from caresignal.api.errors import ERROR_KEYS, error_body

CASES = [
    ("GET", "/api/no/such/route", 404),
    ("GET", "/api/organisations/ZZZ99", 404),
    ("GET", "/api/organisations/ZZZ99/indicators/ae_4h_all", 404),
    ("GET", "/api/organisations?trust_type=castle", 400),
    ("GET", "/api/organisations?region=", 200),  # empty means no filter, not an error
    ("POST", "/api/organisations", 405),
    ("DELETE", "/api/indicators", 405),
]


def test_error_body_shape():
    assert error_body(404, "no organisation with code 'X'") == {
        "ok": False, "status": 404, "error": "Not Found", "detail": "no organisation with code 'X'"}
    assert tuple(error_body(400, "x")) == ERROR_KEYS


@pytest.mark.parametrize("method,path,status", CASES)
def test_every_api_error_has_the_one_shape(http, method, path, status):
    r = http.request(method, path)
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/json")
    body = r.json()
    if status == 200:
        assert body["ok"] is True
        return
    assert tuple(body) == ERROR_KEYS
    assert body["ok"] is False
    assert body["status"] == status
    assert isinstance(body["error"], str) and body["error"]
    assert isinstance(body["detail"], str) and body["detail"]
    assert "Traceback" not in r.text


def test_unknown_organisation_detail_names_the_code(http):
    body = http.get("/api/organisations/ZZZ99").json()
    assert body["detail"] == "no organisation with code 'ZZZ99'"


def test_bad_query_parameter_lists_the_allowed_values(http):
    body = http.get("/api/organisations?trust_type=castle").json()
    assert "'trust_type'" in body["detail"] and "'acute_teaching'" in body["detail"]


def test_page_errors_are_html_not_json(http):
    r = http.get("/organisations/ZZZ99")
    assert r.status_code == 404
    assert r.headers["content-type"].startswith("text/html")
    assert "ZZZ99" in r.text and "nhsuk-header" in r.text

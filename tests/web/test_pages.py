"""The server-rendered pages over real HTTP: status, content type, and figures equal to the store's."""

from __future__ import annotations

from collections import Counter
from markupsafe import escape  # the escaping Jinja2 applies

import pytest

from caresignal.web.formatting import NO_DATA, format_period, format_value
from caresignal.web.listing import headline_indicators


def get_html(http, url, status=200):
    r = http.get(url)
    assert r.status_code == status, r.text[:500]
    assert r.headers["content-type"].startswith("text/html")
    return r.text


def test_home_lists_every_organisation_with_a_link(http, urls, store):
    html = get_html(http, urls.home())
    for org in store.organisations():
        assert f'href="{urls.organisation(org.org_code)}">{escape(org.org_name)}</a>' in html
    assert urls.nhsuk("nhsuk-frontend-10.6.1.min.css") in html
    assert 'class="nhsuk-header"' in html and 'class="nhsuk-footer"' in html


def test_home_shows_the_synthetic_banner(http, urls, store):
    assert all(o.synthetic for o in store.organisations())
    html = get_html(http, urls.home())
    assert "Synthetic data: all organisations are fictional." in html
    assert 'id="synthetic-banner"' in html


def test_home_figures_equal_the_stores_latest_values(http, urls, store, cells):
    headline = headline_indicators(store.indicators())
    assert len(headline) >= 4, [i.id for i in store.indicators()]
    latest = {(o.org_code, o.indicator_id): o for o in store.latest_observations()}
    by_id = {i.id: i for i in headline}
    found = [c for c in cells(get_html(http, urls.home())) if "data-indicator" in c["attrs"]]
    assert len(found) == len(store.organisations()) * len(headline)
    with_data = 0
    for c in found:
        key = (c["row"]["data-org-code"], c["attrs"]["data-indicator"])
        obs = latest.get(key)
        if obs is None:
            assert c["text"] == NO_DATA
            continue
        with_data += 1
        expected = format_value(obs.value, by_id[key[1]])
        assert c["text"] == f"{expected} {format_period(obs.period)}", key
        assert c["attrs"]["data-period"] == obs.period
    assert with_data >= len(store.organisations())


@pytest.mark.parametrize("param", ["region", "trust_type"])
def test_home_filters(http, urls, store, cells, param):
    counts = Counter(getattr(o, param) for o in store.organisations())
    value, n = counts.most_common(1)[0]
    html = get_html(http, urls.home(**{param: value}))
    shown = {c["row"]["data-org-code"] for c in cells(html) if "data-indicator" in c["attrs"]}
    assert shown == {o.org_code for o in store.organisations() if getattr(o, param) == value}
    assert f"Showing {n} of {len(store.organisations())} organisations." in html


def test_home_sorts_by_an_indicator_with_missing_values_last(http, urls, store, cells):
    ind = headline_indicators(store.indicators())[0]
    html = get_html(http, urls.home(sort=ind.id, order="desc"))
    latest = {o.org_code: o.value for o in store.latest_observations() if o.indicator_id == ind.id}
    order = [c["row"]["data-org-code"] for c in cells(html) if c["attrs"].get("data-indicator") == ind.id]
    values = [latest.get(code) for code in order]
    present = [v for v in values if v is not None]
    assert present == sorted(present, reverse=True)
    assert values[:len(present)] == present  # missing ones after all present ones
    assert 'aria-sort="descending"' in html


def test_home_sorts_by_name(http, urls, store, cells):
    html = get_html(http, urls.home(sort="name", order="desc"))
    seen = []
    for c in cells(html):
        if "data-indicator" in c["attrs"] and c["row"]["data-org-code"] not in seen:
            seen.append(c["row"]["data-org-code"])
    names = {o.org_code: o.org_name.lower() for o in store.organisations()}
    assert [names[c] for c in seen] == sorted(names.values(), reverse=True)


@pytest.mark.parametrize("query,name", [("region=Atlantis", "region"), ("sort=shoe_size", "sort"),
                                        ("order=sideways", "order")])
def test_home_bad_parameter_is_a_400_page_naming_it(http, query, name):
    html = get_html(http, "/?" + query, status=400)
    assert f"query parameter &#39;{name}&#39; must be one of" in html


def test_organisation_page_details_and_all_indicators(http, urls, store, cells):
    org = store.organisations()[-1]
    html = get_html(http, urls.organisation(org.org_code))
    assert all(escape(t) in html for t in (org.org_name, org.icb, org.cancer_network))
    assert "Fictional organisation" in html
    registry = {i.id: i for i in store.indicators()}
    latest = {o.indicator_id: o for o in store.latest_observations(org_code=org.org_code)}
    rows = {}
    for c in cells(html):
        rows.setdefault(c["row"]["data-indicator"], {})[c["attrs"]["data-role"]] = c["text"]
    assert set(rows) == set(registry)
    for indicator_id, shown in rows.items():
        obs = latest.get(indicator_id)
        if obs is None:
            assert shown["value"] == NO_DATA and shown["period"] == ""
        else:
            assert shown["value"] == format_value(obs.value, registry[indicator_id])
            assert shown["period"] == format_period(obs.period)
            assert urls.api_series(org.org_code, indicator_id) in html


def test_unknown_organisation_page_is_404(http, urls):
    html = get_html(http, urls.organisation("ZZZ99"), status=404)
    assert "There is no organisation with the code &#39;ZZZ99&#39;." in html


def test_indicators_page_lists_the_registry(http, urls, store):
    html = get_html(http, urls.indicators())
    for ind in store.indicators():
        assert f'id="{ind.id}"' in html and escape(ind.name) in html


def test_about_data_says_the_data_are_synthetic(http, urls):
    html = get_html(http, urls.about_data())
    assert "synthetic" in html and "fictional" in html and "admissions.parquet" in html


@pytest.mark.parametrize("path,content_type", [
    ("/static/nhsuk/nhsuk-frontend-10.6.1.min.css", "text/css"),
    ("/static/nhsuk/nhsuk-frontend-10.6.1.min.js", "javascript"),
    ("/assets/images/favicon.svg", "image/svg+xml"),
    ("/static/caresignal.css", "text/css"),
])
def test_static_assets_are_served(http, path, content_type):
    r = http.get(path)
    assert r.status_code == 200 and content_type in r.headers["content-type"]


def test_missing_frontend_tells_the_user_to_run_make_setup(tmp_path, monkeypatch, database_url):
    from caresignal.web.app import create_app
    from caresignal.web.assets import AssetsMissingError

    monkeypatch.setenv("CARESIGNAL_NODE_MODULES", str(tmp_path))
    with pytest.raises(AssetsMissingError, match="run `make setup`"):
        create_app(database_url)


def test_a_new_empty_store_serves_a_page_saying_how_to_load_data(tmp_path):
    import httpx

    from caresignal.web.app import create_app
    from caresignal.web.server import ServerThread

    app = create_app(f"sqlite:///{tmp_path / 'empty.db'}")
    with ServerThread(app) as server:
        home = httpx.get(server.url + "/")
        api = httpx.get(server.url + "/api/organisations").json()
    assert home.status_code == 200
    assert "No organisations are loaded yet" in home.text and "caresignal load DIR" in home.text
    assert "synthetic-banner" not in home.text
    assert api == {"ok": True, "count": 0, "organisations": []}

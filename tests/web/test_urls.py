"""The URL builder: every path comes from one place, encodes what it is given, and is served."""

from __future__ import annotations

import pytest

from caresignal.web.urls import Urls


def test_codes_are_percent_encoded_as_one_segment():
    urls = Urls()
    assert urls.organisation("ZA1") == "/organisations/ZA1"
    assert urls.organisation("A/B C") == "/organisations/A%2FB%20C"
    assert urls.api_series("ZA1", "ae_4hr") == "/api/organisations/ZA1/indicators/ae_4hr"


def test_home_query_drops_empty_parameters_and_encodes_values():
    urls = Urls()
    assert urls.home() == "/"
    assert urls.home(region="", trust_type=None) == "/"
    assert urls.home(region="East of England", sort="name", order="desc") == \
        "/?region=East+of+England&sort=name&order=desc"


def test_base_prefix_applies_to_every_url():
    urls = Urls("/caresignal/")
    assert urls.home() == "/caresignal/"
    assert urls.api_indicators() == "/caresignal/api/indicators"
    assert urls.nhsuk("x.css") == "/caresignal/static/nhsuk/x.css"
    assert urls.indicator("ae_4hr") == "/caresignal/indicators#ae_4hr"


@pytest.fixture(scope="module")
def every_url(store, urls):
    org = store.organisations()[0].org_code
    ind = store.latest_observations(org_code=org)[0].indicator_id
    return [urls.home(), urls.home(sort="code", order="desc"), urls.organisation(org), urls.indicators(),
            urls.about_data(), urls.static("caresignal.css"), urls.nhsuk("nhsuk-frontend-10.6.1.min.css"),
            urls.nhsuk_asset("images/favicon.svg"), urls.api_organisations(), urls.api_organisation(org),
            urls.api_indicators(), urls.api_series(org, ind)]


def test_every_built_url_is_served(http, every_url):
    for url in every_url:
        assert http.get(url).status_code == 200, url


def test_every_link_on_the_pages_resolves(http, urls, store):
    """No template builds a path by hand that the app does not serve."""
    import re

    org = store.organisations()[0].org_code
    pages = [urls.home(), urls.organisation(org), urls.indicators(), urls.about_data()]
    links = set()
    for page in pages:
        links |= set(re.findall(r'(?:href|src)="(/[^"#]*)', http.get(page).text))
    assert len(links) > 10
    for link in sorted(links):
        assert http.get(link.replace("&amp;", "&")).status_code == 200, link

"""The JSON API over real HTTP: status, content type, keys, and values equal to the store's."""

from __future__ import annotations

import math

import pytest

from caresignal.domain.sources import REGIONS

ORG_KEYS = {"org_code", "org_name", "region", "icb", "trust_type", "teaching", "beds", "cancer_network",
            "synthetic", "html_url", "api_url"}
INDICATOR_KEYS = {"id", "name", "domain", "source", "unit", "unit_label", "multiplier", "improvement",
                  "method", "params", "description"}
OBSERVATION_KEYS = {"org_code", "indicator_id", "period", "period_start", "numerator", "denominator",
                    "expected", "value", "display"}


def same(a, b) -> bool:
    """Equal as stored: both missing, or equal floats (JSON round-trips doubles exactly)."""
    if a is None or b is None or (isinstance(b, float) and not math.isfinite(b)):
        return a is None and (b is None or not math.isfinite(b))
    return float(a) == float(b)


def get_json(http, url, status=200):
    r = http.get(url)
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/json")
    return r.json()


def test_organisations_lists_every_organisation_in_the_store(http, urls, store):
    body = get_json(http, urls.api_organisations())
    assert set(body) == {"ok", "count", "organisations"}
    assert body["ok"] is True
    expected = store.organisations()
    assert body["count"] == len(expected) == len(body["organisations"]) > 0
    assert [o["org_code"] for o in body["organisations"]] == sorted(o.org_code for o in expected)
    first = body["organisations"][0]
    assert set(first) == ORG_KEYS
    org = store.organisation(first["org_code"])
    assert (first["org_name"], first["region"], first["beds"], first["synthetic"]) == \
        (org.org_name, org.region, org.beds, org.synthetic)
    assert first["html_url"] == urls.organisation(org.org_code)


def test_organisations_filter_by_region(http, urls, store):
    region = store.organisations()[0].region
    body = get_json(http, urls.api_organisations() + "?region=" + region.replace(" ", "+"))
    assert body["count"] == sum(o.region == region for o in store.organisations())
    assert {o["region"] for o in body["organisations"]} == {region}


def test_organisations_unknown_region_is_a_400_listing_the_regions(http, urls):
    body = get_json(http, urls.api_organisations() + "?region=Atlantis", status=400)
    assert body["ok"] is False and body["status"] == 400
    assert "'region'" in body["detail"] and "Atlantis" in body["detail"]
    assert all(r in body["detail"] for r in REGIONS)


def test_organisation_has_its_latest_observations(http, urls, store):
    org = store.organisations()[0]
    body = get_json(http, urls.api_organisation(org.org_code))
    assert set(body) == {"ok", "organisation", "latest"}
    assert body["organisation"]["org_code"] == org.org_code
    expected = {o.indicator_id: o for o in store.latest_observations(org_code=org.org_code)}
    assert expected, "the loader derived no observations for this organisation"
    got = {item["indicator_id"]: item for item in body["latest"]}
    assert set(got) == set(expected)
    for indicator_id, obs in expected.items():
        item = got[indicator_id]
        assert set(item) == OBSERVATION_KEYS | {"series_url"}
        assert item["period"] == obs.period
        assert same(item["value"], obs.value) and same(item["numerator"], obs.numerator)
        assert same(item["denominator"], obs.denominator)
        assert item["series_url"] == urls.api_series(org.org_code, indicator_id)


def test_indicators_is_the_registry(http, urls, store):
    body = get_json(http, urls.api_indicators())
    assert set(body) == {"ok", "count", "indicators"}
    registry = store.indicators()
    assert body["count"] == len(registry) > 0
    assert [i["id"] for i in body["indicators"]] == [i.id for i in registry]
    for item, ind in zip(body["indicators"], registry):
        assert set(item) == INDICATOR_KEYS
        assert (item["unit"], item["multiplier"], item["improvement"]) == \
            (ind.unit, ind.multiplier, ind.improvement.value)


def test_series_equals_the_stored_observations_in_period_order(http, urls, store):
    org = store.organisations()[0]
    indicator_id = max(store.latest_observations(org_code=org.org_code),
                       key=lambda o: len(store.observations(org.org_code, o.indicator_id))).indicator_id
    stored = store.observations(org.org_code, indicator_id)
    body = get_json(http, urls.api_series(org.org_code, indicator_id))
    assert set(body) == {"ok", "organisation", "indicator", "count", "observations"}
    assert body["indicator"]["id"] == indicator_id
    assert body["count"] == len(stored) == len(body["observations"]) > 1
    periods = [o["period_start"] for o in body["observations"]]
    assert periods == sorted(periods)
    for item, obs in zip(body["observations"], stored):
        assert item["period"] == obs.period
        assert same(item["value"], obs.value)
        assert same(item["expected"], obs.expected)


@pytest.mark.parametrize("which", ["organisation", "indicator"])
def test_series_of_unknown_organisation_or_indicator_is_404(http, urls, store, which):
    org = store.organisations()[0].org_code
    ind = store.indicators()[0].id
    url = urls.api_series("ZZZ99" if which == "organisation" else org,
                          "no_such_indicator" if which == "indicator" else ind)
    body = get_json(http, url, status=404)
    assert ("ZZZ99" if which == "organisation" else "no_such_indicator") in body["detail"]

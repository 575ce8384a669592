"""Real pages in a real browser: Debian Chromium through Playwright, with axe-core for accessibility."""

from __future__ import annotations

import json

import pytest

from caresignal.web.assets import AXE_JS, node_modules

pytestmark = pytest.mark.browser

NHS_BLUE = "rgb(0, 94, 184)"  # #005eb8, NHS Blue in the NHS identity colour palette
AXE_BLOCKING = ("serious", "critical")


def axe_violations(page) -> list[dict]:
    """Run axe-core (from node_modules) on the page; return violations of serious or critical impact."""
    page.add_script_tag(path=str(node_modules() / AXE_JS))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [{"id": v["id"], "impact": v["impact"], "help": v["help"],
             "nodes": [n["target"] for n in v["nodes"]][:5]}
            for v in result["violations"] if v["impact"] in AXE_BLOCKING]


def test_home_has_the_nhs_styles_applied(page, base_url):
    page.goto(base_url + "/")
    header = page.locator("header.nhsuk-header")
    assert header.evaluate("e => getComputedStyle(e).backgroundColor") == NHS_BLUE
    # the NHS.UK JavaScript ran (it marks the body and initialises components)
    assert "nhsuk-frontend-supported" in page.evaluate("document.body.className")
    assert page.locator("#synthetic-banner").is_visible()


def test_clicking_an_organisation_opens_its_page(page, base_url, store):
    org = store.organisations()[0]
    page.goto(base_url + "/")
    page.get_by_role("link", name=org.org_name, exact=True).click()
    page.wait_for_url(f"**/organisations/{org.org_code}")
    assert page.locator("h1").inner_text().endswith(org.org_name)
    assert page.locator("#org-details").is_visible()


def test_filter_form_filters_by_region(page, base_url, store):
    region = store.organisations()[0].region
    page.goto(base_url + "/")
    page.select_option("#filter-region", region)
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_load_state()
    regions = page.locator("#organisations tbody tr td:nth-of-type(2)").all_inner_texts()
    assert regions and set(regions) == {region}


@pytest.mark.parametrize("which", ["home", "organisation", "indicators", "about"])
def test_no_serious_or_critical_accessibility_violations(page, base_url, urls, store, which):
    org = store.organisations()[0].org_code
    path = {"home": urls.home(), "organisation": urls.organisation(org), "indicators": urls.indicators(),
            "about": urls.about_data()}[which]
    page.goto(base_url + path)
    violations = axe_violations(page)
    assert not violations, json.dumps(violations, indent=2)


def test_the_axe_harness_does_report_violations(page):
    """Guards the accessibility test against passing vacuously: a page with an unlabelled image and an
    unnamed button must be reported."""
    page.set_content('<html lang="en"><head><title>t</title></head><body><main>'
                     '<img src="x.png"><button></button></main></body></html>')
    ids = {v["id"] for v in axe_violations(page)}
    assert {"image-alt", "button-name"} <= ids

"""The error pages in real chromium: a front-desk user refused the reports, and a car owner on a
dead portal address, in Swahili, each find what happened and a way back (issue 12, item 12)."""

import re

import pytest
from playwright.sync_api import expect

from concierge.accounts.roles import FRONT_DESK
from concierge.accounts.tests.factories import staff_in_role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True),
              pytest.mark.urls("concierge.tests.error_urls")]


def test_front_desk_refused_the_reports_finds_the_way_back(page, live_server, staff_password):
    user = staff_in_role(FRONT_DESK)
    page.set_default_timeout(10_000)
    page.goto(f"{live_server.url}/admin/")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill(staff_password)
    page.get_by_role("button", name="Log in").click()

    response = page.goto(f"{live_server.url}/reports/")
    assert response.status == 403
    expect(page.get_by_role("heading", name="Not part of your role")).to_be_visible()
    expect(page.locator("#site-name")).to_contain_text("Ndegwa Auto Concierge")
    page.get_by_role("link", name="Back to the shop home").click()
    expect(page.get_by_role("heading", name="Shop")).to_be_visible()

    response = page.goto(f"{live_server.url}/staff-test/fails/")
    assert response.status == 500
    expect(page.get_by_role("heading", name="Something went wrong on our side")).to_be_visible()
    page.get_by_role("link", name="Back to the shop home").click()
    expect(page.get_by_role("heading", name="Shop")).to_be_visible()


def test_portal_error_pages_speak_the_owners_language(page, live_server):
    page.set_default_timeout(10_000)
    page.set_extra_http_headers({"Accept-Language": "sw-KE,sw;q=0.9"})
    for url, status, heading in [("/portal/hakuna-kitu/", 404, "Ukurasa haupatikani"),
                                 ("/portal/test-gone/", 410, "Haipatikani tena"),
                                 ("/portal/test-refuses/", 403, "Hairuhusiwi"),
                                 ("/portal/test-fails/", 500, "Kuna hitilafu")]:
        response = page.goto(f"{live_server.url}{url}")
        assert response.status == status, url
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        expect(page.locator("html")).to_have_attribute("lang", "sw")
    # The way back leads into the portal (its sign-in page, for someone not signed in).
    page.get_by_role("link", name="Rudi kwenye magari yangu").click()
    expect(page).to_have_url(re.compile(r"/portal/"))
    expect(page.get_by_role("heading", level=1)).not_to_have_text("Kuna hitilafu")

"""Styled error pages for staff and the portal, the portal's in its language (issue 12, item 12)."""

import pytest
from django.test import Client
from django.urls import reverse

from concierge.accounts.roles import FRONT_DESK
from concierge.accounts.tests.factories import staff_in_role

pytestmark = [pytest.mark.django_db, pytest.mark.urls("concierge.tests.error_urls")]

SW = {"HTTP_ACCEPT_LANGUAGE": "sw-KE,sw;q=0.9"}
EN = {"HTTP_ACCEPT_LANGUAGE": "en-KE,en;q=0.9"}


def page(response):
    return response.content.decode()


def assert_staff_page(response, status, heading):
    assert response.status_code == status
    html = page(response)
    assert f"<h1>{heading}</h1>" in html and f"Error {status}" in html
    assert 'href="/admin/">Back to the shop home</a>' in html
    assert "admin/css/base.css" in html  # the admin's look, not the browser's bare page


def test_front_desk_opening_the_reports_gets_a_page_saying_why(client):
    client.force_login(staff_in_role(FRONT_DESK))
    response = client.get(reverse("reports:overview"))
    assert_staff_page(response, 403, "Not part of your role")
    assert "ask a manager" in page(response)


def test_staff_404_and_410_pages(client):
    client.force_login(staff_in_role(FRONT_DESK))
    assert_staff_page(client.get("/nowhere/"), 404, "Page not found")
    assert_staff_page(client.get("/admin/clients/nothing-here/"), 404, "Page not found")
    assert_staff_page(client.get("/staff-test/gone/"), 410, "No longer available")


def test_staff_500_page_needs_no_database_and_links_back():
    browser = Client(raise_request_exception=False)
    response = browser.get("/staff-test/fails/")
    assert_staff_page(response, 500, "Something went wrong on our side")


@pytest.mark.parametrize(("headers", "lang", "words"), [
    (EN, "en", {403: "Not allowed", 404: "Page not found", 410: "No longer available", 500: "Something went wrong",
                "back": "Back to my vehicles", "error": "Error"}),
    (SW, "sw", {403: "Hairuhusiwi", 404: "Ukurasa haupatikani", 410: "Haipatikani tena", 500: "Kuna hitilafu",
                "back": "Rudi kwenye magari yangu", "error": "Hitilafu"}),
])
def test_portal_error_pages_are_in_the_portal_look_and_language(headers, lang, words):
    browser = Client(raise_request_exception=False)
    for status, url in [(403, "/portal/test-refuses/"), (404, "/portal/nothing-here/"), (410, "/portal/test-gone/"),
                        (500, "/portal/test-fails/")]:
        response = browser.get(url, **headers)
        html = page(response)
        assert response.status_code == status, url
        assert f'<html lang="{lang}">' in html, url
        assert f"<h1>{words[status]}</h1>" in html, url
        assert f"{words['error']} {status}" in html, url
        assert f'href="{reverse("portal:vehicles")}">{words["back"]}</a>' in html, url
        assert "portal/portal.css" in html and "admin/css" not in html, url

"""The real-browser harness: Debian's chromium driven by Playwright against live_server."""

import re

import pytest
from playwright.sync_api import expect

from clients.tests.factories import ClientFactory
from concierge.accounts.tests.factories import authenticator_for, totp_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_logs_into_the_admin_and_opens_a_client(page, live_server, superuser, staff_password):
    client = ClientFactory(first_name="Wanjiru", last_name="Kamau", email="wanjiru@example.co.ke")

    page.goto(f"{live_server.url}/admin/")
    page.get_by_label("Email address").fill(superuser.email)
    page.get_by_label("Password").fill(staff_password)
    # A superuser signs in with the code their authenticator app shows (two-factor is required).
    page.get_by_label("Verification code").fill(totp_code(authenticator_for(superuser)))
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Shop")).to_be_visible()

    page.locator("tr.model-client").get_by_role("link", name="Clients").click()
    page.get_by_role("link", name="Kamau").click()

    expect(page).to_have_url(re.compile(rf"/admin/clients/client/{client.pk}/change/$"))
    expect(page.get_by_label("Email")).to_have_value("wanjiru@example.co.ke")

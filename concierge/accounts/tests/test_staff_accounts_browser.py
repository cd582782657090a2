"""In real chromium: a manager of accounts adds a technician through the admin's add form, and the
technician signs in with the password given there (issue 12, item 3)."""

import pytest
from playwright.sync_api import expect

from concierge.accounts.roles import TECHNICIAN
from concierge.accounts.tests.factories import authenticator_for, totp_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_PASSWORD = "Kilimanjaro-2026-jua"


def log_in(page, base_url, email, password, code=None):
    page.context.clear_cookies()
    page.goto(f"{base_url}/admin/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    if code is not None:
        page.get_by_label("Verification code").fill(code)
    page.get_by_role("button", name="Log in").click()


def test_a_technician_added_in_the_admin_can_sign_in(page, live_server, superuser, staff_password):
    page.set_default_timeout(10_000)
    # A superuser signs in with the code their authenticator app shows (two-factor is required).
    log_in(page, live_server.url, superuser.email, staff_password, totp_code(authenticator_for(superuser)))
    page.goto(f"{live_server.url}/admin/accounts/user/add/")
    page.get_by_label("Email address").fill("ann.wanjiku@ndegwa.example")
    page.get_by_label("First name").fill("Ann")
    page.get_by_label("Last name").fill("Wanjiku")
    page.get_by_label("Role").select_option(label=TECHNICIAN)
    page.locator("#id_password1").fill(NEW_PASSWORD)
    page.locator("#id_password2").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator("ul.messagelist")).to_contain_text("was added successfully")

    log_in(page, live_server.url, "ann.wanjiku@ndegwa.example", NEW_PASSWORD)
    expect(page.get_by_role("heading", name="Shop")).to_be_visible()
    expect(page.get_by_role("link", name="Job board")).to_be_visible()

"""In a real browser: staff start a job, open its history and read their own change under their name."""

import pytest
from playwright.sync_api import expect

from concierge.accounts.tests.factories import authenticator_for, totp_code
from servicing.tests.factories import ServiceFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_open_a_services_history_and_see_their_status_change(page, live_server, superuser, staff_password):
    service = ServiceFactory(service_type="Brake Repair")

    page.goto(f"{live_server.url}/admin/servicing/service/")
    page.get_by_label("Email address").fill(superuser.email)
    page.get_by_label("Password").fill(staff_password)
    # A superuser signs in with the code their authenticator app shows (two-factor is required).
    page.get_by_label("Verification code").fill(totp_code(authenticator_for(superuser)))
    page.get_by_role("button", name="Log in").click()
    # The change goes through a real request: the middleware names the signed-in user to the trigger.
    page.locator(f'input[name="_selected_action"][value="{service.pk}"]').check()
    page.locator('select[name="action"]').select_option("start_selected")
    page.get_by_role("button", name="Go").click()
    expect(page.get_by_text("1 job(s) started.")).to_be_visible()

    page.goto(f"{live_server.url}/admin/servicing/service/{service.pk}/change/")
    page.get_by_role("link", name="History").click()

    update_row = page.locator("#change-history tbody tr").filter(has_text="status: pending → in_progress")
    expect(update_row).to_have_count(1)
    expect(update_row.locator(".audit-user")).to_have_text("Grace Wairimu")

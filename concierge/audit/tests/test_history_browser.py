"""In a real browser: staff open a service's history and read who changed what."""

import pytest
from playwright.sync_api import expect

from concierge.audit.context import acting_as
from servicing.services import service_start
from servicing.tests.factories import ServiceFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_open_a_services_history_and_see_their_status_change(page, live_server, superuser, staff_password):
    service = ServiceFactory(service_type="Brake Repair")
    with acting_as(superuser):
        service_start(service=service, by=superuser)

    page.goto(f"{live_server.url}/admin/servicing/service/{service.pk}/change/")
    page.get_by_label("Email address").fill(superuser.email)
    page.get_by_label("Password").fill(staff_password)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name="History").click()

    update_row = page.locator("#change-history tbody tr").filter(has_text="status: pending → in_progress")
    expect(update_row).to_have_count(1)
    expect(update_row.locator(".audit-user")).to_have_text("Grace Wairimu")

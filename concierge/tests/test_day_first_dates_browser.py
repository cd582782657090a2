"""Issue 12, item 1 in real Chromium: front desk types 05/11/2026 and the job is booked for 5 November."""

import datetime

import pytest
from playwright.sync_api import expect

from concierge.accounts.roles import FRONT_DESK
from concierge.accounts.tests.factories import staff_in_role
from fleet.tests.factories import VehicleFactory
from servicing.models import Service

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_front_desk_types_05_11_2026_and_the_job_is_booked_for_5_november(page, live_server, staff_password):
    front_desk = staff_in_role(FRONT_DESK, first_name="Faith", last_name="Mutiso")
    vehicle = VehicleFactory(license_plate="KDA 123A")
    page.set_default_timeout(10_000)
    page.goto(f"{live_server.url}/admin/")
    page.get_by_label("Email address").fill(front_desk.email)
    page.get_by_label("Password").fill(staff_password)
    page.get_by_role("button", name="Log in").click()

    # The car's "Book a service" link fills in the vehicle.
    page.goto(f"{live_server.url}/admin/servicing/service/add/?vehicle={vehicle.pk}")
    service_type = page.locator("[name=service_type]")
    # A text box today; a choice from a managed list once the service-type catalogue lands.
    if service_type.evaluate("el => el.tagName") == "SELECT":
        service_type.select_option(index=1)
    else:
        service_type.fill("Full service")
    page.get_by_label("Scheduled date").fill("05/11/2026")
    page.get_by_role("button", name="Save and continue editing").click()

    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    assert Service.objects.get().scheduled_date == datetime.date(2026, 11, 5)
    # Shown back as typed, and the calendar's "Today" writes today day-first too.
    expect(page.get_by_label("Scheduled date")).to_have_value("05/11/2026")
    page.get_by_role("link", name="Today").first.click()
    today = datetime.date.today()
    expect(page.get_by_label("Scheduled date")).to_have_value(today.strftime("%d/%m/%Y"))

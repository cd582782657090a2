"""The front-desk path in real chromium: take a car in, book it, then a technician moves it on the board.

With STAFF_GUIDE_SCREENSHOTS=1 the job board and client page screenshots are written to docs/img/
for docs/staff-guide.md; otherwise they go to the test's temporary directory.
"""

import datetime
import os
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from clients.models import Client
from concierge.accounts.roles import FRONT_DESK, TECHNICIAN
from concierge.accounts.tests.factories import staff_in_role
from fleet.tests.factories import VehicleFactory
from servicing.models import Service, ServiceStatus
from servicing.tests.factories import ServiceFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def screenshot_dir(tmp_path):
    if os.environ.get("STAFF_GUIDE_SCREENSHOTS"):
        path = Path(settings.BASE_DIR) / "docs" / "img"
        path.mkdir(parents=True, exist_ok=True)
        return path
    return tmp_path


def log_in(page, base_url, user, password):
    page.context.clear_cookies()
    page.goto(f"{base_url}/admin/")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Shop")).to_be_visible()


def test_front_desk_takes_a_car_in_and_a_technician_completes_it_on_the_board(
    page, live_server, staff_password, screenshot_dir
):
    front_desk = staff_in_role(FRONT_DESK, first_name="Faith", last_name="Mutiso")
    technician = staff_in_role(TECHNICIAN, first_name="Ann", last_name="Wanjiku")
    today = timezone.localdate()
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.set_default_timeout(10_000)

    # Front desk: a new client, phone typed the local way.
    log_in(page, live_server.url, front_desk, staff_password)
    page.locator("tr.model-client").get_by_role("link", name="Add").click()
    page.get_by_label("First name").fill("Wanjiru")
    page.get_by_label("Last name").fill("Kamau")
    page.get_by_label("Email").fill("wanjiru.kamau@example.co.ke")
    page.get_by_label("Phone").fill("0712 345 678")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    expect(page.get_by_label("Phone")).to_have_value("+254712345678")
    client = Client.objects.by_email("wanjiru.kamau@example.co.ke").get()

    # Her car, added from her page, plate typed in lower case without the space.
    page.get_by_role("button", name="Add another Vehicle").click()
    page.locator("[name=vehicles-0-license_plate]").fill("kda123a")
    page.locator("[name=vehicles-0-make]").fill("Toyota")
    page.locator("[name=vehicles-0-model]").fill("Fielder")
    page.locator("[name=vehicles-0-year]").fill("2015")
    page.locator("[name=vehicles-0-vin]").fill("jtdbt923501234567")
    page.locator("[name=vehicles-0-mileage]").fill("85000")
    page.locator("[name=vehicles-0-colour]").fill("silver")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator("[name=vehicles-0-license_plate]")).to_have_value("KDA 123A")
    expect(page.locator("[name=vehicles-0-vin]")).to_have_value("JTDBT923501234567")
    # A Japanese VIN: its 9th character is no check digit, so no warning about one.
    expect(page.locator(".messagelist .warning")).to_have_count(0)

    # Book a service from the vehicle's page.
    page.get_by_role("link", name="Change", exact=True).first.click()
    page.get_by_role("link", name="Book a service for this car").click()
    expect(page.locator("#id_vehicle")).to_contain_text("KDA 123A")
    page.get_by_label("Service type").select_option("Brake Repair")  # from the catalogue
    page.locator("#id_scheduled_date").fill(today.isoformat())
    page.get_by_label("Technician").fill("Ann Wanjiku")
    page.get_by_label("Cost").fill("12500")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    service = Service.objects.get(vehicle__license_plate="KDA 123A")
    assert (service.status, service.cost) == (ServiceStatus.PENDING, 12500)

    # The client page now lists the car and the job with its status and cost.
    page.goto(f"{live_server.url}/admin/clients/client/{client.pk}/change/")
    history = page.locator("table.service-history")
    expect(history).to_contain_text("Brake Repair")
    expect(history).to_contain_text("Pending")
    expect(history).to_contain_text("12,500.00")
    page.screenshot(path=screenshot_dir / "client-page.png", full_page=True)

    # A busier board for the picture: another job waiting since yesterday, one in progress.
    ServiceFactory(vehicle=VehicleFactory(license_plate="KCY 482M", make="Subaru", model="Forester"),
                   service_type="Full Service", scheduled_date=today - datetime.timedelta(days=1))
    ServiceFactory(vehicle=VehicleFactory(license_plate="KDG 915T", make="Mazda", model="Demio"),
                   service_type="Wheel Alignment", status=ServiceStatus.IN_PROGRESS, technician="Joseph Otieno",
                   scheduled_date=today)

    # Technician: start, then complete, on the job board.
    log_in(page, live_server.url, technician, staff_password)
    page.get_by_role("link", name="Open the job board").click()
    expect(page).to_have_url(re.compile(r"/admin/servicing/service/board/$"))
    card = page.locator("article.card[data-plate='KDA 123A']")
    expect(page.get_by_role("region", name="Pending").locator("article[data-plate='KDA 123A']")).to_be_visible()
    expect(card).to_contain_text("Toyota Fielder")
    expect(card).to_contain_text("Wanjiru")
    expect(card).not_to_contain_text("Kamau")  # a technician sees the owner's first name only
    expect(card).to_contain_text("Brake Repair")
    expect(card).to_contain_text("Waiting")
    card.get_by_role("button", name="Start").click()
    expect(page.locator(".messagelist")).to_contain_text("KDA 123A · Brake Repair: in progress")
    expect(page.get_by_role("region", name="In progress").locator("article[data-plate='KDA 123A']")).to_be_visible()
    page.screenshot(path=screenshot_dir / "job-board.png", full_page=True)
    page.locator("article.card[data-plate='KDA 123A']").get_by_role("button", name="Complete").click()
    expect(page.get_by_role("region", name="Completed").locator("article[data-plate='KDA 123A']")).to_be_visible()

    service.refresh_from_db()
    assert (service.status, service.completed_date) == (ServiceStatus.COMPLETED, today)
    # The technician sees the job and the owner's first name, and no price (docs/staff-guide.md, "Roles").
    page.goto(f"{live_server.url}/admin/servicing/service/{service.pk}/change/")
    expect(page.locator(".field-owner_first_name .readonly")).to_have_text("Wanjiru")
    expect(page.locator(".field-cost")).to_have_count(0)
    expect(page.locator("#content")).not_to_contain_text("12500")

"""Issue 21 in real chromium: the staff home's search, the one-page booking and the technician's phone
view, keyboard only and axe-core clean (axe.min.js bundled with axe-playwright-python, pinned in
requirements-dev.txt: nothing is downloaded); and the new booking path measured against the admin's
three forms (page loads, fields touched, interactions, time), in the same run.

With STAFF_GUIDE_SCREENSHOTS=1 the screenshots and the measured figures (intake-figures.md) are written
to docs/img/ for docs/staff-guide.md; otherwise to the test's temporary directory:

    STAFF_GUIDE_SCREENSHOTS=1 make test PYTEST_ARGS="servicing/tests/test_intake_browser.py -q"
"""

import os
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from clients.models import Client
from clients.tests.factories import ClientFactory
from clients.tests.test_accessibility_browser import violations
from clients.tests.test_front_desk_browser import log_in
from concierge.accounts.roles import FRONT_DESK, TECHNICIAN
from concierge.accounts.tests.factories import staff_in_role
from fleet.models import Vehicle
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


def tab_to(page, selector, *, most=60, backwards=False):
    """Press Tab (Shift+Tab) until the element matching `selector` has the focus: reached by keyboard."""
    for _ in range(most):
        if page.evaluate("s => document.activeElement && document.activeElement.matches(s)", selector):
            return
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
    raise AssertionError(f"{selector} is not reachable with the Tab key")


def no_horizontal_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")


def test_the_search_box_takes_a_plate_typed_any_way_to_the_car_by_keyboard(page, live_server, staff_password,
                                                                              screenshot_dir):
    car = VehicleFactory(license_plate="KDA 123A", client=ClientFactory(first_name="Wanjiru", last_name="Kamau"))
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, live_server.url, staff_in_role(FRONT_DESK), staff_password)

    assert violations(page) == {}
    page.screenshot(path=screenshot_dir / "staff-home.png")
    expect(page.get_by_label("Find a car or client")).to_be_focused()  # the first thing on the home page
    page.keyboard.type("kda123a")
    page.keyboard.press("Enter")

    expect(page).to_have_url(f"{live_server.url}/admin/fleet/vehicle/{car.pk}/change/")


def test_a_new_client_is_booked_with_the_keyboard_only_and_the_page_is_axe_clean(page, live_server, staff_password,
                                                                                  screenshot_dir):
    staff_in_role(TECHNICIAN, first_name="Ann", last_name="Wanjiku")
    page.set_viewport_size({"width": 1280, "height": 1000})
    log_in(page, live_server.url, staff_in_role(FRONT_DESK), staff_password)
    page.goto(f"{live_server.url}/admin/desk/book/")
    assert violations(page) == {}

    expect(page.get_by_label("Plate or phone")).to_be_focused()
    page.keyboard.type("0733 111 222")
    page.keyboard.press("Enter")  # looks up; does not save
    expect(page.get_by_role("radio", name="A new client and car")).to_be_checked()
    expect(page.locator("#id_client-phone")).to_have_value("+254733111222")
    for selector, text in [("#id_client-first_name", "Achieng"), ("#id_client-last_name", "Omondi"),
                           ("#id_client-email", "achieng@example.co.ke"), ("#id_car-license_plate", "kdq456b"),
                           ("#id_car-make", "Mazda"), ("#id_car-model", "Demio"), ("#id_car-vin", "DJ3FS123456789012")]:
        tab_to(page, selector)
        page.keyboard.type(text)
    tab_to(page, "input[name=service_types][value='Oil Change']")
    page.keyboard.press("Space")
    tab_to(page, "#id_technician")
    page.keyboard.type("Ann")  # a select picks the option its typed letters start
    tab_to(page, "#id_mileage")
    page.keyboard.type("120000")
    assert violations(page) == {}
    page.screenshot(path=screenshot_dir / "booking-new-client.png", full_page=True)
    tab_to(page, "input[type=submit][value=Book]")
    page.keyboard.press("Enter")

    expect(page.locator(".messagelist")).to_contain_text("Booked KDQ 456B (Mazda Demio, Achieng Omondi): Oil Change")
    job = Service.objects.get(vehicle__license_plate="KDQ 456B")
    assert (job.technician, job.vehicle.mileage, job.vehicle.client.phone) == ("Ann Wanjiku", 120_000, "+254733111222")


def test_a_refused_booking_keeps_what_was_typed_and_says_why_beside_the_field(page, live_server, staff_password):
    VehicleFactory(license_plate="KDA 123A", mileage=85_000)
    log_in(page, live_server.url, staff_in_role(FRONT_DESK), staff_password)
    page.goto(f"{live_server.url}/admin/desk/book/")

    page.get_by_label("Plate or phone").fill("kda 123a")
    expect(page.get_by_role("radio", name="KDA 123A")).to_be_checked()
    expect(page.get_by_label("Mileage now (km)")).to_have_value("85000")
    page.get_by_label("Mileage now (km)").fill("80000")
    page.get_by_role("button", name="Book").click()

    expect(page.locator("#id_mileage_error")).to_contain_text("lower than the last recorded 85,000 km")
    expect(page.get_by_role("radio", name="KDA 123A")).to_be_checked()
    expect(page.locator("#id_service_types_error")).to_contain_text("Pick at least one service")
    assert violations(page) == {}
    assert not Service.objects.exists()


def test_the_technicians_phone_view_at_390px_by_keyboard(browser, live_server, staff_password, screenshot_dir):
    today = timezone.localdate()
    car = VehicleFactory(license_plate="KDA 123A", make="Toyota", model="Fielder", mileage=85_000)
    ServiceFactory(vehicle=car, technician="Ann Wanjiku", service_type="Brake Repair", scheduled_date=today)
    ServiceFactory(vehicle=VehicleFactory(license_plate="KCY 482M", make="Subaru", model="Forester"),
                   technician=None, service_type="Full Service", scheduled_date=today)
    ServiceFactory(vehicle=VehicleFactory(license_plate="KDG 915T"), technician="Joseph Otieno", scheduled_date=today)
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    log_in(page, live_server.url, staff_in_role(TECHNICIAN, first_name="Ann", last_name="Wanjiku"), staff_password)
    page.goto(f"{live_server.url}/admin/servicing/service/mine/")

    expect(page.get_by_role("button", name="Start KDA 123A")).to_be_visible()
    expect(page.get_by_role("button", name="Start KCY 482M")).to_be_visible()
    expect(page.locator("#content")).not_to_contain_text("KDG 915T")
    assert no_horizontal_scroll(page)
    assert violations(page) == {}
    box = page.get_by_role("button", name="Start KDA 123A").bounding_box()
    assert box["width"] >= 300 and box["height"] >= 48  # one large button, a thumb's width

    tab_to(page, "button.big-button")
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Complete KDA 123A")).to_be_visible()
    page.screenshot(path=screenshot_dir / "technician-phone.png", full_page=True)
    tab_to(page, "input[name=mileage]")
    page.keyboard.type("86500")
    page.keyboard.press("Enter")
    expect(page.locator(".messagelist")).to_contain_text("KDA 123A · Brake Repair: completed")
    assert no_horizontal_scroll(page)
    assert violations(page) == {}
    context.close()

    car.refresh_from_db()
    job = Service.objects.get(vehicle=car)
    assert (job.status, car.mileage) == (ServiceStatus.COMPLETED, 86_500)


# --- Measured: the new page against the admin's three forms -------------------------------------------

@dataclass
class Tally:
    """What one path cost: page loads (the browser's load events), fields touched (typed, picked or
    ticked), interactions (those plus clicks and key presses), seconds."""

    loads: int = 0
    fields: int = 0
    interactions: int = 0
    seconds: float = 0.0
    per_booking_loads: list[int] = field(default_factory=list)

    def fill(self, locator, value):
        locator.fill(value)
        self.fields += 1
        self.interactions += 1

    def select(self, locator, value):
        locator.select_option(value)
        self.fields += 1
        self.interactions += 1

    def check(self, locator):
        locator.check()
        self.fields += 1
        self.interactions += 1

    def click(self, locator):
        locator.click()
        self.interactions += 1

    def press(self, locator, key):
        locator.press(key)
        self.interactions += 1


RETURNING = 10
NEWCOMERS = 3
TECH = "Ann Wanjiku"


def returning_cars(prefix):
    return [VehicleFactory(license_plate=f"K{prefix} {100 + n}A", mileage=50_000 + n) for n in range(RETURNING)]


def newcomer(prefix, n):
    return {"first": f"New{n}", "last": f"Client{prefix}", "email": f"new{n}.{prefix.lower()}@example.co.ke",
            "phone": f"0733 {prefix[-1] == 'B' and 2 or 1}{n:02d} 000", "plate": f"K{prefix} {500 + n}Q",
            "make": "Mazda", "model": "Demio", "vin": f"DJ3FS{prefix}{n:010d}"}


def book_on_the_new_page(page, tally, cars, people, base_url):
    for car in cars:
        before = tally.loads
        tally.fill(page.get_by_label("Plate or phone"), car.license_plate.replace(" ", "").lower())
        expect(page.get_by_role("radio", name=car.license_plate)).to_be_checked()
        tally.fill(page.get_by_label("Mileage now (km)"), str(car.mileage + 4000))
        tally.check(page.get_by_role("checkbox", name="Oil Change"))
        tally.select(page.get_by_label("Technician"), TECH)
        tally.click(page.get_by_role("button", name="Book"))
        expect(page.locator(".messagelist")).to_contain_text(f"Booked {car.license_plate}")
        page.wait_for_load_state("load")  # the message shows before the load event: count it here
        tally.per_booking_loads.append(tally.loads - before)
    for person in people:
        before = tally.loads
        tally.fill(page.get_by_label("Plate or phone"), person["phone"])
        expect(page.get_by_role("radio", name="A new client and car")).to_be_checked()
        tally.fill(page.get_by_label("First name"), person["first"])
        tally.fill(page.get_by_label("Last name"), person["last"])
        tally.fill(page.get_by_label("Email"), person["email"])
        tally.fill(page.get_by_label("Number plate"), person["plate"])
        tally.fill(page.get_by_label("Make"), person["make"])
        tally.fill(page.get_by_label("Model"), person["model"])
        tally.fill(page.get_by_label("VIN"), person["vin"])
        tally.fill(page.get_by_label("Mileage now (km)"), "120000")
        tally.check(page.get_by_role("checkbox", name="Oil Change"))
        tally.select(page.get_by_label("Technician"), TECH)
        tally.click(page.get_by_role("button", name="Book"))
        expect(page.locator(".messagelist")).to_contain_text("Booked")
        page.wait_for_load_state("load")  # the message shows before the load event: count it here
        tally.per_booking_loads.append(tally.loads - before)


def book_through_the_admin(page, tally, cars, people, base_url):
    today = timezone.localdate().strftime("%d/%m/%Y")

    def book_the_car_found_by(plate):
        # The app list's "Vehicles" row (on the home page, or in the sidebar of every other admin page).
        tally.click(page.locator("tr.model-vehicle th a").first)
        tally.fill(page.locator("#searchbar"), plate)
        tally.press(page.locator("#searchbar"), "Enter")
        tally.click(page.locator("#result_list").get_by_role("link", name=plate))

    def book_from_the_car_page(mileage):
        tally.fill(page.locator("#id_mileage"), str(mileage))
        tally.click(page.get_by_role("button", name="Save and continue editing"))
        expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
        tally.click(page.get_by_role("link", name="Book a service for this car"))
        tally.select(page.get_by_label("Service type"), "Oil Change")
        tally.fill(page.locator("#id_scheduled_date"), today)
        tally.fill(page.get_by_label("Technician"), TECH)
        tally.click(page.get_by_role("button", name="Save", exact=True))
        expect(page.locator(".messagelist")).to_contain_text("was added successfully")

    for car in cars:
        before = tally.loads
        book_the_car_found_by(car.license_plate)
        book_from_the_car_page(car.mileage + 4000)
        page.wait_for_load_state("load")  # the message shows before the load event: count it here
        tally.per_booking_loads.append(tally.loads - before)
    for person in people:
        before = tally.loads
        tally.click(page.locator("tr.model-client a.addlink").first)
        tally.fill(page.get_by_label("First name"), person["first"])
        tally.fill(page.get_by_label("Last name"), person["last"])
        tally.fill(page.get_by_label("Email"), person["email"])
        tally.fill(page.get_by_label("Phone"), person["phone"])
        tally.click(page.get_by_role("button", name="Save and continue editing"))
        tally.click(page.get_by_role("button", name="Add another Vehicle"))
        for name, value in [("license_plate", person["plate"]), ("make", person["make"]), ("model", person["model"]),
                            ("vin", person["vin"]), ("mileage", "120000")]:
            tally.fill(page.locator(f"[name=vehicles-0-{name}]"), value)
        tally.click(page.get_by_role("button", name="Save and continue editing"))
        expect(page.locator("[name=vehicles-0-license_plate]")).to_have_value(person["plate"])
        book_the_car_found_by(person["plate"])
        tally.click(page.get_by_role("link", name="Book a service for this car"))
        tally.select(page.get_by_label("Service type"), "Oil Change")
        tally.fill(page.locator("#id_scheduled_date"), today)
        tally.fill(page.get_by_label("Technician"), TECH)
        tally.click(page.get_by_role("button", name="Save", exact=True))
        expect(page.locator(".messagelist")).to_contain_text("was added successfully")
        page.wait_for_load_state("load")  # the message shows before the load event: count it here
        tally.per_booking_loads.append(tally.loads - before)


def test_the_new_page_books_in_one_page_load_each_and_under_half_the_interactions_of_the_admin(
    page, live_server, staff_password, screenshot_dir,
):
    staff_in_role(TECHNICIAN, first_name="Ann", last_name="Wanjiku")
    new_cars, old_cars = returning_cars("DA"), returning_cars("DB")
    new_people = [newcomer("DA", n) for n in range(NEWCOMERS)]
    old_people = [newcomer("DB", n) for n in range(NEWCOMERS)]
    page.set_viewport_size({"width": 1280, "height": 1000})
    page.set_default_timeout(15_000)
    log_in(page, live_server.url, staff_in_role(FRONT_DESK), staff_password)
    tallies = {"new": Tally(), "old": Tally()}
    counting = {"now": None}
    page.on("load", lambda _page: setattr(tallies[counting["now"]], "loads", tallies[counting["now"]].loads + 1)
            if counting["now"] else None)

    # Each path starts on its own first page, already open: the booking page, or the staff home.
    page.goto(f"{live_server.url}/admin/desk/book/")
    counting["now"] = "new"
    started = time.monotonic()
    book_on_the_new_page(page, tallies["new"], new_cars, new_people, live_server.url)
    tallies["new"].seconds = time.monotonic() - started
    counting["now"] = None
    page.goto(f"{live_server.url}/admin/")
    counting["now"] = "old"
    started = time.monotonic()
    book_through_the_admin(page, tallies["old"], old_cars, old_people, live_server.url)
    tallies["old"].seconds = time.monotonic() - started
    counting["now"] = None

    bookings = RETURNING + NEWCOMERS
    new, old = tallies["new"], tallies["old"]
    figures = "\n".join([
        f"| path ({RETURNING} returning cars + {NEWCOMERS} new customers) | page loads | fields touched "
        "| interactions | seconds |",
        "|---|---:|---:|---:|---:|",
        f"| one-page booking | {new.loads} | {new.fields} | {new.interactions} | {new.seconds:.1f} |",
        f"| the admin's three forms | {old.loads} | {old.fields} | {old.interactions} | {old.seconds:.1f} |",
        f"| per booking, one-page | {new.loads / bookings:.1f} | {new.fields / bookings:.1f} "
        f"| {new.interactions / bookings:.1f} | {new.seconds / bookings:.1f} |",
        f"| per booking, admin | {old.loads / bookings:.1f} | {old.fields / bookings:.1f} "
        f"| {old.interactions / bookings:.1f} | {old.seconds / bookings:.1f} |",
    ])
    (screenshot_dir / "intake-figures.md").write_text(figures + "\n")
    print(figures)

    # Both paths booked every job, and the new one kept the data the admin keeps.
    assert Service.objects.filter(status=ServiceStatus.PENDING, technician=TECH).count() == 2 * bookings
    assert Client.objects.filter(last_name__in=["ClientDA", "ClientDB"]).count() == 2 * NEWCOMERS
    assert set(Vehicle.objects.filter(license_plate__startswith="KDA 1").values_list("mileage", flat=True)) == {
        car.mileage + 4000 for car in new_cars}
    assert max(new.per_booking_loads) <= 1 and len(new.per_booking_loads) == bookings
    assert new.interactions * 2 < old.interactions

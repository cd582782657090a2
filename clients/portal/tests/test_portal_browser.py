"""A car owner on a phone, in real chromium with JavaScript off: link, vehicles, timeline, Swahili, sign out.

Screenshots of each page are written to docs/img/portal-*.png (docs/portal.md shows them).
"""

import datetime
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from clients.tests.factories import ClientFactory
from concierge.audit.models import AuditLog
from fleet.tests.factories import VehicleFactory
from notifications.models import NotificationType
from notifications.tests.conftest import redis_server, sms_provider, start_celery, worker_env  # noqa: F401
from concierge.processes import wait_until
from notifications.tests.factories import NotificationFactory
from servicing.models import ServiceStatus
from servicing.tests.factories import ServiceFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(settings.BASE_DIR) / "docs" / "img"
LINK = re.compile(r"https?://\S+/portal/sign-in/[A-Za-z0-9_-]+/")


@pytest.fixture
def browser_context_args(browser_context_args):
    # An iPhone-12-sized screen; no JavaScript, to prove the portal needs none.
    return {**browser_context_args, "viewport": {"width": 390, "height": 844}, "device_scale_factor": 2,
            "is_mobile": True, "has_touch": True, "java_script_enabled": False, "locale": "en-KE"}


def _shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"portal-{name}.png"), full_page=True)


def _the_shop():
    owner = ClientFactory(first_name="Wanjiru", last_name="Kamau", phone="+254712345678")
    car = VehicleFactory(client=owner, make="Toyota", model="Fielder", license_plate="KDA 123A", mileage=148200)
    VehicleFactory(client=owner, make="Nissan", model="Note", license_plate="KCX 908B", mileage=96500)
    ServiceFactory(vehicle=car, service_type="Oil change", status=ServiceStatus.COMPLETED,
                   scheduled_date=datetime.date(2026, 3, 2), completed_date=datetime.date(2026, 3, 2),
                   cost=Decimal("4500"), technician="Peter Mwangi")
    job = ServiceFactory(vehicle=car, service_type="Brake pads and discs", status=ServiceStatus.IN_PROGRESS,
                         scheduled_date=datetime.date(2026, 11, 20), cost=Decimal("18750"), technician="Faith Njeri")
    # Fixed times, so the screenshots come out the same on every run and leave git clean.
    now = datetime.datetime(2026, 11, 20, 12, 0, tzinfo=datetime.timezone.utc)
    AuditLog.objects.create(table_name="services", record_id=job.pk, action="INSERT",
                            new_values={"status": "pending"}, timestamp=now - datetime.timedelta(days=3))
    AuditLog.objects.create(table_name="services", record_id=job.pk, action="UPDATE", old_values={"status": "pending"},
                            new_values={"status": "in_progress"}, timestamp=now - datetime.timedelta(hours=2))
    NotificationFactory(service=job, channel=NotificationType.SMS, message="KDA 123A is in the workshop now.",
                        sent_at=now - datetime.timedelta(hours=2))
    NotificationFactory(service=job, channel=NotificationType.IN_APP, message="We found worn discs; replacing them.",
                        sent_at=now - datetime.timedelta(hours=1))
    return owner, job


@pytest.fixture
def sign_in_worker(start_celery, live_server):  # noqa: F811
    """A real Celery worker on a Redis of the test's own: the view queues the sign-in request, the worker
    looks the phone up, writes the link on the address served and texts it to the fake Africa's Talking."""
    return start_celery("worker", PORTAL_BASE_URL=live_server.url)


def test_a_car_owner_follows_their_car_on_a_phone(page, live_server, sign_in_worker, sms_provider, settings):  # noqa: F811
    settings.PORTAL_BASE_URL = live_server.url  # where links point: the address the app is served at
    owner, job = _the_shop()
    csp_errors = []
    page.on("console", lambda msg: csp_errors.append(msg.text) if "Content Security Policy" in msg.text else None)

    page.goto(f"{live_server.url}/portal/sign-in/")
    _shot(page, "sign-in")
    page.get_by_label("Email or phone number").fill("0712 345 678")
    page.get_by_role("button", name="Send me a link").click()
    expect(page.get_by_role("heading", name="Check your messages")).to_be_visible()

    # Open it from the text as Africa's Talking received it from the worker.
    assert wait_until(lambda: len(sms_provider.accepted) == 1, timeout=60)
    page.goto(LINK.search(sms_provider.accepted[0]["message"])[0])
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("heading", name="Hello Wanjiru")).to_be_visible()
    expect(page.get_by_text("KCX 908B")).to_be_visible()
    expect(page.locator("a.card", has_text="KDA 123A")).to_contain_text("Brake pads and discs")
    _shot(page, "vehicles")

    page.locator("a.card", has_text="KDA 123A").click()
    expect(page.get_by_role("heading", name=re.compile("KDA 123A"))).to_be_visible()
    expect(page.locator("ol.history")).to_contain_text("KES 18,750")
    _shot(page, "vehicle")

    page.get_by_role("link", name=re.compile("Brake pads and discs")).click()
    expect(page.locator("ol.timeline li")).to_have_count(2)
    expect(page.locator("ol.timeline")).to_contain_text("In progress")
    expect(page.get_by_text("KDA 123A is in the workshop now.")).to_be_visible()
    _shot(page, "service")

    page.get_by_role("button", name="Kiswahili").click()
    expect(page.get_by_role("heading", name="Maendeleo")).to_be_visible()
    expect(page.locator("ol.timeline")).to_contain_text("Inaendelea")
    _shot(page, "service-sw")

    page.get_by_role("link", name=re.compile("Ujumbe")).click()
    expect(page.locator("li.unread")).to_have_count(1)
    _shot(page, "inbox-sw")

    page.get_by_role("button", name="Toka").click()
    expect(page.get_by_text("Umetoka.")).to_be_visible()
    page.goto(f"{live_server.url}/portal/")
    expect(page).to_have_url(re.compile(r"/portal/sign-in/$"))
    assert csp_errors == []

import datetime
import re
from decimal import Decimal

import pgtrigger
import pytest
from django.urls import reverse
from django.utils import timezone

from clients.portal.models import PortalInboxRead
from clients.tests.factories import ClientFactory
from concierge.audit.models import AuditLog
from fleet.tests.factories import VehicleFactory
from notifications.models import NotificationType
from notifications.tests.factories import NotificationFactory
from servicing.models import ServiceStatus
from servicing.tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db


def _text(response):
    return re.sub(r"\s+", " ", response.content.decode())


def test_my_vehicles_show_current_job_next_service_and_last_mileage(signed_in):
    owner = ClientFactory(first_name="Wanjiru")
    car = VehicleFactory(client=owner, license_plate="KDA 123A", mileage=123456)
    today = timezone.localdate()
    ServiceFactory(vehicle=car, service_type="Brake pads", status=ServiceStatus.IN_PROGRESS, scheduled_date=today)
    ServiceFactory(vehicle=car, service_type="Wheel alignment", status=ServiceStatus.PENDING,
                   scheduled_date=today + datetime.timedelta(days=9))
    ServiceFactory(vehicle=car, service_type="Oil change", status=ServiceStatus.PENDING,
                   scheduled_date=today + datetime.timedelta(days=30))

    page = _text(signed_in(owner).get(reverse("portal:vehicles")))

    assert "Hello Wanjiru" in page
    assert "KDA 123A" in page
    assert "In progress</span> Brake pads" in page
    assert f"{(today + datetime.timedelta(days=9)):%-d %b %Y} · Wheel alignment" in page
    assert "123,456 km" in page


def test_my_vehicles_page_costs_a_fixed_number_of_queries(signed_in, django_assert_max_num_queries):
    owner = ClientFactory()
    http = signed_in(owner)
    for _ in range(5):
        ServiceFactory(vehicle=VehicleFactory(client=owner))
    # session + client + unread count + the page's count + the one vehicle query, whatever the number of vehicles
    with django_assert_max_num_queries(5):
        response = http.get(reverse("portal:vehicles"))
    assert response.content.decode().count('class="card vehicle"') == 5


def test_vehicle_history_is_newest_first_with_cost_in_kes_and_technician_first_name(signed_in):
    owner = ClientFactory()
    car = VehicleFactory(client=owner)
    ServiceFactory(vehicle=car, service_type="Old job", scheduled_date=datetime.date(2025, 1, 10),
                   status=ServiceStatus.COMPLETED, completed_date=datetime.date(2025, 1, 11),
                   cost=Decimal("12500.00"), technician="Peter Kamau")
    ServiceFactory(vehicle=car, service_type="New job", scheduled_date=datetime.date(2026, 3, 2),
                   cost=Decimal("4500.50"), technician="Faith Njeri")

    page = _text(signed_in(owner).get(reverse("portal:vehicle", args=[car.pk])))

    assert page.index("New job") < page.index("Old job")
    assert "KES 12,500" in page and "KES 4,500.50" in page
    assert "Peter" in page and "Kamau" not in page
    assert "10 Jan 2025" in page and "11 Jan 2025" in page


def test_service_timeline_takes_its_times_from_the_audit_trail(signed_in):
    owner = ClientFactory()
    job = ServiceFactory(vehicle=VehicleFactory(client=owner), status=ServiceStatus.COMPLETED,
                         scheduled_date=datetime.date(2026, 5, 4), completed_date=datetime.date(2026, 5, 4))
    utc = datetime.timezone.utc
    for action, old, new, at in [
        ("INSERT", None, "pending", datetime.datetime(2026, 5, 1, 6, 0, tzinfo=utc)),
        ("UPDATE", "pending", "pending", datetime.datetime(2026, 5, 2, 6, 0, tzinfo=utc)),  # cost edit only
        ("UPDATE", "pending", "in_progress", datetime.datetime(2026, 5, 4, 5, 30, tzinfo=utc)),
        ("UPDATE", "in_progress", "completed", datetime.datetime(2026, 5, 4, 13, 15, tzinfo=utc)),
    ]:
        AuditLog.objects.create(
            table_name="services", record_id=job.pk, action=action, timestamp=at,
            old_values=old and {"status": old}, new_values={"status": new},
        )

    page = _text(signed_in(owner).get(reverse("portal:service", args=[job.pk])))

    # Nairobi is UTC+3.
    steps = re.findall(r'<li class="step status-(\w+)"><strong>[^<]+</strong> <time [^>]+>([^<]+)</time>', page)
    assert steps == [
        ("pending", "1 May 2026, 09:00"),
        ("in_progress", "4 May 2026, 08:30"),
        ("completed", "4 May 2026, 16:15"),
    ]


@pytest.mark.owner_role  # pgtrigger.ignore is honoured for the owner role only
def test_service_timeline_falls_back_to_created_and_updated_times_without_audit_rows(signed_in):
    owner = ClientFactory()
    # A job from before the audit trail existed: its INSERT went unrecorded.
    with pgtrigger.ignore("servicing.Service:audit"):
        job = ServiceFactory(vehicle=VehicleFactory(client=owner), status=ServiceStatus.IN_PROGRESS)

    page = _text(signed_in(owner).get(reverse("portal:service", args=[job.pk])))

    assert re.findall(r'<li class="step status-(\w+)">', page) == ["pending", "in_progress"]


def test_service_page_lists_the_messages_sent_about_it_only(signed_in):
    owner = ClientFactory()
    car = VehicleFactory(client=owner)
    job, other_job = ServiceFactory(vehicle=car), ServiceFactory(vehicle=car)
    NotificationFactory(service=job, message="Your car is on the lift.")
    NotificationFactory(service=other_job, message="Another job entirely.")

    page = _text(signed_in(owner).get(reverse("portal:service", args=[job.pk])))

    assert "Your car is on the lift." in page
    assert "Another job entirely." not in page


def test_inbox_lists_in_app_messages_newest_first_marks_unread_then_marks_them_read(signed_in):
    owner = ClientFactory()
    job = ServiceFactory(vehicle=VehicleFactory(client=owner))
    now = timezone.now()
    older = NotificationFactory(service=job, channel=NotificationType.IN_APP, message="Older note",
                                sent_at=now - datetime.timedelta(days=2))
    newer = NotificationFactory(service=job, channel=NotificationType.IN_APP, message="Newer note",
                                sent_at=now - datetime.timedelta(hours=1))
    NotificationFactory(service=job, channel=NotificationType.SMS, message="An SMS, not for the inbox")
    PortalInboxRead.objects.create(notification=older, notification_created_at=older.created_at)
    http = signed_in(owner)

    first = _text(http.get(reverse("portal:inbox")))
    assert first.index("Newer note") < first.index("Older note")
    assert "An SMS, not for the inbox" not in first
    assert first.count('class="card unread"') == 1
    assert PortalInboxRead.objects.filter(notification=newer).exists()

    second = _text(http.get(reverse("portal:inbox")))
    assert second.count('class="card unread"') == 0

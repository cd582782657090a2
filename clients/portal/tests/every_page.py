"""Every portal page, opened in a real browser one after another, for the checks that must hold on each
(fits a phone's width, no accessibility violations): `visit_every_portal_page(page, base_url, check)`
calls `check(page, name)` on each page as a phone user reaches it."""

import datetime
from decimal import Decimal

from django.urls import reverse

from clients.portal.tokens import sign_in_token_issue, status_link_token_issue
from clients.tests.factories import ClientFactory
from concierge.audit.models import AuditLog
from fleet.tests.factories import VehicleFactory
from notifications.models import NotificationType
from notifications.tests.factories import NotificationFactory
from servicing.models import ServiceStatus
from servicing.tests.factories import ServiceFactory

# What made the service page 712 px wide on a 390 px phone: a message carrying a link, one long word.
LONG_LINK = "https://portal.ndegwa-auto.example/portal/s/" + "Zx9_kQ2-vT7mN4pL8rW1yB6cH3jF5gD0sA" * 2 + "/"


def a_shop_with_one_busy_owner():
    owner = ClientFactory(first_name="Wanjiru", last_name="Kamau", phone="+254712345678")
    ClientFactory(first_name="Brian", last_name="Kamau", phone="+254712345678")  # her son shares her phone
    car = VehicleFactory(client=owner, make="Toyota", model="Fielder", license_plate="KDA 123A", mileage=148200)
    VehicleFactory(client=owner, make="Mercedes-Benz", model="Sprinter 316 CDI Panel Van Long Wheelbase",
                   license_plate="KCX 908B", mileage=96500)
    ServiceFactory(vehicle=car, service_type="Oil change", status=ServiceStatus.COMPLETED,
                   scheduled_date=datetime.date(2026, 3, 2), completed_date=datetime.date(2026, 3, 2),
                   cost=Decimal("4500"), technician="Peter Mwangi")
    job = ServiceFactory(vehicle=car, service_type="Brake pads and discs", status=ServiceStatus.IN_PROGRESS,
                         scheduled_date=datetime.date(2026, 11, 20), cost=Decimal("1218750.50"),
                         technician="Faith Njeri")
    now = datetime.datetime(2026, 11, 20, 12, 0, 0, 123456, tzinfo=datetime.timezone.utc)
    AuditLog.objects.create(table_name="services", record_id=job.pk, action="INSERT",
                            new_values={"status": "pending"}, timestamp=now - datetime.timedelta(days=3))
    AuditLog.objects.create(table_name="services", record_id=job.pk, action="UPDATE", old_values={"status": "pending"},
                            new_values={"status": "in_progress"}, timestamp=now - datetime.timedelta(hours=2))
    NotificationFactory(service=job, channel=NotificationType.SMS, message=f"Follow the job here: {LONG_LINK}",
                        sent_at=now - datetime.timedelta(hours=2))
    NotificationFactory(service=job, channel=NotificationType.IN_APP, message=f"We found worn discs: {LONG_LINK}",
                        sent_at=now - datetime.timedelta(hours=1))
    return owner, car, job


def visit_every_portal_page(page, base_url, check):
    owner, car, job = a_shop_with_one_busy_owner()
    sign_in_url = base_url + reverse("portal:sign_in")

    page.goto(sign_in_url)
    check(page, "sign-in")
    page.locator("input[name=contact]").fill("not a contact")
    # The form posts to its own address, so no URL change marks the answer: wait for it to load, or the
    # check may read the document mid-navigation (on a busy machine it found no document at all).
    with page.expect_navigation():
        page.locator("form.card button[type=submit]").click()
    check(page, "sign-in with an error")
    page.goto(base_url + reverse("portal:sign_in_sent"))
    check(page, "sign-in sent")
    page.goto(base_url + reverse("portal:sign_in_confirm", kwargs={"token": "no-such-link"}))
    check(page, "link invalid")
    page.goto(base_url + reverse("portal:status_link", kwargs={"token": status_link_token_issue(service=job)}))
    check(page, "status link")

    by_sms = sign_in_token_issue(client=owner, phone_hash=owner.phone_hash)
    page.goto(base_url + reverse("portal:sign_in_confirm", kwargs={"token": by_sms}))
    check(page, "sign-in: who is signing in (a shared phone)")
    page.goto(base_url + reverse("portal:sign_in_confirm", kwargs={"token": sign_in_token_issue(client=owner)}))
    check(page, "sign-in confirm")
    page.locator("form.card button[type=submit]").click()
    page.wait_for_url(base_url + reverse("portal:vehicles"))
    check(page, "my vehicles")
    page.goto(base_url + reverse("portal:vehicle", args=[car.pk]))
    check(page, "a vehicle")
    page.goto(base_url + reverse("portal:service", args=[job.pk]))
    check(page, "a service")
    page.goto(base_url + reverse("portal:inbox"))
    check(page, "inbox")
    page.locator("form[action$='/sign-out/'] button").click()
    page.wait_for_url(sign_in_url + "?signed_out=1")
    check(page, "signed out")

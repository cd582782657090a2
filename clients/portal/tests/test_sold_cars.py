"""A car sold: its buyer's portal shows none of its seller's jobs; its seller keeps their own, read-only;
a status link names and opens only the job's own client."""

import pytest
from django.urls import reverse

from clients.portal.delivery import send_status_link
from clients.portal.models import PortalToken
from clients.portal.tokens import status_link_token_issue
from clients.tests.factories import ClientFactory
from fleet.services import vehicle_client_change
from fleet.tests.factories import VehicleFactory, backdate
from notifications.backends import PermanentDeliveryError
from notifications.links import LinkKind, message_for_sending
from notifications.models import NotificationType
from notifications.tests.factories import NotificationFactory
from servicing.models import ServiceStatus
from servicing.tests.factories import ServiceFactory

from .conftest import portal_sign_in_as

pytestmark = pytest.mark.django_db


@pytest.fixture
def sold():
    seller = ClientFactory(first_name="Amani")
    buyer = ClientFactory(first_name="Baraka")
    car = VehicleFactory(client=seller, mileage=120_000)
    seller_job = ServiceFactory(vehicle=car, service_type="Clutch Replacement", status=ServiceStatus.COMPLETED,
                                completed_date=None)
    backdate(car, days=20)
    seller_job.refresh_from_db()
    vehicle_client_change(vehicle=car, client_id=buyer.pk)
    buyer_job = ServiceFactory(vehicle=car, service_type="Wheel Alignment", status=ServiceStatus.IN_PROGRESS)
    return {"seller": seller, "buyer": buyer, "car": car, "seller_job": seller_job, "buyer_job": buyer_job}


def test_the_buyer_does_not_see_the_sellers_jobs(client, sold):
    portal_sign_in_as(client, sold["buyer"])

    listing = client.get(reverse("portal:vehicles")).content.decode()
    car_page = client.get(reverse("portal:vehicle", args=[sold["car"].pk])).content.decode()

    assert "Wheel Alignment" in car_page and "Clutch Replacement" not in car_page
    assert sold["car"].license_plate in listing
    assert client.get(reverse("portal:service", args=[sold["seller_job"].pk])).status_code == 404
    assert client.get(reverse("portal:service", args=[sold["buyer_job"].pk])).status_code == 200


def test_the_seller_keeps_their_own_jobs_of_the_car_they_sold_and_sees_none_of_the_buyers(client, sold):
    portal_sign_in_as(client, sold["seller"])

    listing = client.get(reverse("portal:vehicles")).content.decode()
    car_page = client.get(reverse("portal:vehicle", args=[sold["car"].pk])).content.decode()

    assert sold["car"].license_plate in listing and "No longer yours" in listing
    assert "Clutch Replacement" in car_page and "Wheel Alignment" not in car_page
    assert "120,000 km" not in car_page and "120,000 km" not in listing  # the buyer's odometer now
    assert client.get(reverse("portal:service", args=[sold["seller_job"].pk])).status_code == 200
    assert client.get(reverse("portal:service", args=[sold["buyer_job"].pk])).status_code == 404


def test_a_status_link_to_an_old_job_is_the_sellers_and_names_them(client, sold):
    raw = status_link_token_issue(service=sold["seller_job"])

    assert PortalToken.objects.get(service=sold["seller_job"]).client == sold["seller"]
    page = client.get(reverse("portal:status_link", kwargs={"token": raw})).content.decode()
    assert "Clutch Replacement" in page and "Amani" in page and "Baraka" not in page


def test_a_status_link_is_sent_to_the_jobs_own_client_not_the_cars_client_now(sold):
    old = send_status_link(service=sold["seller_job"], channel=NotificationType.SMS)
    new = send_status_link(service=sold["buyer_job"], channel=NotificationType.SMS)

    assert (old.client, new.client) == (sold["seller"], sold["buyer"])


def test_a_message_about_the_sellers_job_addressed_to_the_buyer_carries_no_link(sold):
    stray = NotificationFactory(service=sold["seller_job"], client=sold["buyer"], link=LinkKind.STATUS_LINK,
                                message="Follow it here: [status link]")

    with pytest.raises(PermanentDeliveryError):
        message_for_sending(stray)
    assert not PortalToken.objects.filter(service=sold["seller_job"]).exists()


def test_staff_are_told_when_an_old_jobs_client_is_gone_and_no_link_is_made(client, superuser, sold):
    from concierge.accounts.tests.factories import login_verified

    sold["seller"].delete()  # a hard delete: their owner period goes with them, the car stays the buyer's
    login_verified(client, superuser)
    page = reverse("admin:portal_portaltoken_status_link", args=[sold["seller_job"].pk])

    made = client.post(page, {"make": "1"}, follow=True).content.decode()
    sent = client.post(page, {"send": "sms"}, follow=True).content.decode()

    assert "no longer on file" in made and "no longer on file" in sent
    assert not PortalToken.objects.filter(service=sold["seller_job"]).exists()
    assert not sold["seller_job"].notifications.exists()

"""Access and erasure requests follow who owned a car when: a sold car's jobs stay its seller's."""

import datetime
import json

import pytest
from django.utils import timezone

from clients.data_rights.export import client_export_json
from clients.data_rights.services import ERASED_MESSAGE, client_erase
from clients.tests.factories import ClientFactory
from concierge.accounts.tests.factories import UserFactory
from fleet.models import Vehicle
from fleet.services import vehicle_client_change
from fleet.tests.factories import VehicleFactory
from notifications.models import Notification
from notifications.tests.factories import NotificationFactory
from servicing.models import Service
from servicing.tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sold():
    return a_sold_car()


def a_sold_car():
    """A car its seller had serviced 20 days ago, then sold; its buyer's own job today."""
    now = timezone.now()
    seller = ClientFactory(first_name="Amani", last_name="Otieno")
    buyer = ClientFactory(first_name="Baraka", last_name="Mwangi")
    car = VehicleFactory(client=seller, created_at=now - datetime.timedelta(days=30))
    seller_job = ServiceFactory(vehicle=car, created_at=now - datetime.timedelta(days=20), cost="7000.00")
    seller_note = NotificationFactory(client=seller, vehicle=car, service=seller_job, message="Hi Amani, ready.")
    vehicle_client_change(vehicle=car, client_id=buyer.pk)
    buyer_job = ServiceFactory(vehicle=car, cost="3000.00")
    buyer_note = NotificationFactory(client=buyer, vehicle=car, service=buyer_job, message="Hi Baraka, ready.")
    return {"seller": seller, "buyer": buyer, "car": car, "seller_job": seller_job, "buyer_job": buyer_job,
            "seller_note": seller_note, "buyer_note": buyer_note}


def _export(client):
    return json.loads(client_export_json(client=client))


def test_the_sellers_export_holds_their_jobs_on_the_car_they_sold_and_none_of_the_buyers(sold):
    data = _export(sold["seller"])

    assert [s["id"] for s in data["services"]] == [str(sold["seller_job"].pk)]
    assert [v["id"] for v in data["vehicles"]] == [str(sold["car"].pk)]
    [period] = data["vehicle_ownerships"]
    assert period["ended_at"] is not None
    assert [n["message"] for n in data["notifications"]] == ["Hi Amani, ready."]
    audited_jobs = {row["record_id"] for row in data["audit_trail"] if row["table_name"] == "services"}
    assert audited_jobs == {str(sold["seller_job"].pk)}


def test_the_buyers_export_holds_none_of_the_sellers_jobs(sold):
    data = _export(sold["buyer"])

    assert [s["id"] for s in data["services"]] == [str(sold["buyer_job"].pk)]
    assert [n["message"] for n in data["notifications"]] == ["Hi Baraka, ready."]


def test_erasing_the_seller_leaves_the_buyers_car_jobs_and_messages(sold):
    client_erase(client=sold["seller"], by=UserFactory())

    car = Vehicle.objects.get(pk=sold["car"].pk)
    assert car.client_id == sold["buyer"].pk
    assert set(Service.objects.filter(vehicle=car).values_list("pk", flat=True)) == {
        sold["seller_job"].pk, sold["buyer_job"].pk}
    assert Notification.objects.get(pk=sold["buyer_note"].pk).message == "Hi Baraka, ready."
    assert Notification.objects.get(pk=sold["seller_note"].pk).message == ERASED_MESSAGE


def test_erasing_the_buyer_leaves_the_sellers_history(sold):
    client_erase(client=sold["buyer"], by=UserFactory())

    assert Notification.objects.get(pk=sold["seller_note"].pk).message == "Hi Amani, ready."
    assert Notification.objects.get(pk=sold["buyer_note"].pk).message == ERASED_MESSAGE
    assert [s["id"] for s in _export(sold["seller"])["services"]] == [str(sold["seller_job"].pk)]


def test_a_deleted_job_of_a_sold_car_is_in_its_owners_export_only(sold):
    gone = str(sold["seller_job"].pk)
    Service.objects.filter(pk=gone).delete()  # the audit trail keeps it

    seller_trail = {row["record_id"] for row in _export(sold["seller"])["audit_trail"] if row["table_name"] == "services"}
    buyer_trail = {row["record_id"] for row in _export(sold["buyer"])["audit_trail"] if row["table_name"] == "services"}
    assert gone in seller_trail and gone not in buyer_trail

"""A job's events name its own client, the car's owner when it was booked: a message about a sold
car's old job (a status change, a reminder, an overdue invoice) goes to its seller, never its buyer."""

import pytest

from clients.tests.factories import ClientFactory
from concierge.workflows.models import Event
from fleet.services import vehicle_client_change
from fleet.tests.factories import VehicleFactory, backdate
from servicing.models import ServiceStatus
from servicing.services import service_change_status
from servicing.tests.factories import ServiceFactory
from servicing.workflow_events import SERVICE_CANCELLED

pytestmark = pytest.mark.django_db


def test_an_old_jobs_event_is_about_its_seller_and_a_new_jobs_about_its_buyer():
    seller, buyer = ClientFactory(), ClientFactory()
    car = VehicleFactory(client=seller)
    old_job = ServiceFactory(vehicle=car)
    backdate(car, days=20)
    old_job.refresh_from_db()
    vehicle_client_change(vehicle=car, client_id=buyer.pk)
    new_job = ServiceFactory(vehicle=car)

    service_change_status(service=old_job, status=ServiceStatus.CANCELLED)
    service_change_status(service=new_job, status=ServiceStatus.CANCELLED)

    events = Event.objects.filter(name=SERVICE_CANCELLED)
    assert events.get(service=old_job).client_id == seller.pk
    assert events.get(service=new_job).client_id == buyer.pk
    assert {e.vehicle_id for e in events} == {car.pk}

import pytest
from django.db import transaction

from clients import workflow_events as client_events
from clients.tests.factories import ClientFactory
from concierge.workflows import events
from concierge.workflows.models import Event, Workflow
from fleet import workflow_events as car_events
from fleet.services import vehicle_update
from fleet.tests.factories import VehicleFactory
from servicing import workflow_events as job_events
from servicing.models import ServiceStatus
from servicing.services import service_cancel, service_change_status_bulk, service_complete, service_start
from servicing.tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db


def names(**filters):
    # Sorted: created_at is the transaction's start time, shared by every event of a test.
    return sorted(Event.objects.filter(**filters).values_list("name", flat=True))


def listen_to(*names):
    for name in names:
        Workflow.objects.create(name=name, trigger_event=name, actions=[
            {"type": "send_notification", "channel": "in_app", "template": "x"}])


def test_booking_a_job_emits_service_created_with_its_car_and_owner(django_capture_on_commit_callbacks):
    listen_to(client_events.CLIENT_CREATED, car_events.VEHICLE_ADDED, job_events.SERVICE_CREATED)
    with django_capture_on_commit_callbacks() as callbacks:
        service = ServiceFactory()
    event = Event.objects.get(name=job_events.SERVICE_CREATED)
    assert (event.service, event.vehicle, event.client) == (service, service.vehicle, service.vehicle.client)
    # client_created, vehicle_added, service_created: one queued workflow run each, after commit.
    assert len(callbacks) == 3


def test_an_event_no_workflow_listens_to_is_recorded_as_handled_and_queues_nothing(django_capture_on_commit_callbacks):
    listen_to(job_events.SERVICE_CREATED)
    with django_capture_on_commit_callbacks() as callbacks:
        ServiceFactory()
    assert len(callbacks) == 1
    assert Event.objects.get(name=job_events.SERVICE_CREATED).processed_at is None
    assert Event.objects.get(name=client_events.CLIENT_CREATED).processed_at is not None


def test_a_rolled_back_change_leaves_no_event_and_queues_nothing(django_capture_on_commit_callbacks):
    listen_to(job_events.SERVICE_IN_PROGRESS, job_events.SERVICE_STATUS_CHANGED)
    service = ServiceFactory()
    before = Event.objects.count()
    with django_capture_on_commit_callbacks() as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            service_start(service=service)
            raise RuntimeError("the request failed after the change")
    assert Event.objects.count() == before
    assert callbacks == []


def test_each_status_change_emits_its_own_event_and_the_generic_one():
    service = ServiceFactory()
    service_start(service=service)
    service_complete(service=service)
    assert names(service=service) == sorted([
        job_events.SERVICE_CREATED,
        job_events.SERVICE_IN_PROGRESS, job_events.SERVICE_STATUS_CHANGED,
        job_events.SERVICE_COMPLETED, job_events.SERVICE_STATUS_CHANGED,
    ])
    generic = Event.objects.filter(service=service, name=job_events.SERVICE_STATUS_CHANGED)
    assert sorted(e.payload["new_status"] for e in generic) == ["completed", "in_progress"]
    assert Event.objects.get(name=job_events.SERVICE_COMPLETED).payload == {"old_status": "in_progress", "new_status": "completed"}


def test_cancelling_emits_service_cancelled():
    service = ServiceFactory()
    service_cancel(service=service)
    assert job_events.SERVICE_CANCELLED in names(service=service)


def test_a_bulk_change_emits_one_event_per_row():
    services = ServiceFactory.create_batch(4)
    service_change_status_bulk(services=services, status=ServiceStatus.IN_PROGRESS)  # the admin's bulk action
    assert Event.objects.filter(name=job_events.SERVICE_IN_PROGRESS).count() == 4
    assert set(Event.objects.filter(name=job_events.SERVICE_IN_PROGRESS).values_list("service", flat=True)) == {s.pk for s in services}


def test_saving_a_job_without_changing_its_status_emits_nothing():
    service = ServiceFactory()
    service.notes = "customer waiting"
    service.save()
    assert names(service=service) == [job_events.SERVICE_CREATED]


def test_client_and_vehicle_events():
    client = ClientFactory()
    vehicle = VehicleFactory(client=client)
    assert names(client=client) == sorted([client_events.CLIENT_CREATED, car_events.VEHICLE_ADDED])
    assert Event.objects.get(name=car_events.VEHICLE_ADDED).vehicle == vehicle


def test_mileage_update_emits_only_when_the_mileage_changes():
    vehicle = VehicleFactory(mileage=85000)
    vehicle_update(vehicle=vehicle, fields=["mileage"])
    assert not Event.objects.filter(name=car_events.VEHICLE_MILEAGE_UPDATED).exists()
    vehicle.mileage = 90500
    vehicle_update(vehicle=vehicle, fields=["mileage"])
    event = Event.objects.get(name=car_events.VEHICLE_MILEAGE_UPDATED)
    assert event.payload == {"old_mileage": 85000, "new_mileage": 90500}


def test_a_status_change_on_a_row_loaded_without_status_is_not_guessed():
    service = ServiceFactory()
    partial = type(service).objects.only("id").get(pk=service.pk)
    partial.status = ServiceStatus.CANCELLED
    partial.save(update_fields=["status"])
    # Unknown previous value: no event rather than a wrong one (the service function is the path).
    assert names(service=service) == [job_events.SERVICE_CREATED]


def test_unknown_event_names_are_refused():
    with pytest.raises(ValueError, match="unknown event"):
        events.event_emit(name="service_exploded")


def test_dedupe_key_makes_a_second_emit_a_no_op():
    service = ServiceFactory()
    first = events.event_emit(name=job_events.SERVICE_OVERDUE, service=service, dedupe_key="k1")
    second = events.event_emit(name=job_events.SERVICE_OVERDUE, service=service, dedupe_key="k1")
    assert first is not None and second is None
    assert Event.objects.filter(name=job_events.SERVICE_OVERDUE).count() == 1


def test_a_refused_bulk_change_rolls_back_and_emits_nothing(django_capture_on_commit_callbacks):
    from servicing.services import BulkTransitionRefused

    services = [ServiceFactory(), ServiceFactory(status=ServiceStatus.COMPLETED)]
    listen_to(job_events.SERVICE_IN_PROGRESS)
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(BulkTransitionRefused):
        service_change_status_bulk(services=services, status=ServiceStatus.IN_PROGRESS)
    assert not Event.objects.filter(name=job_events.SERVICE_IN_PROGRESS).exists()
    assert callbacks == []

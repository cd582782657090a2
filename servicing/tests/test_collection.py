"""A completed job's car handed back to its owner (servicing.models.ServiceCollection): recorded once by
service_mark_collected, whoever presses and however often, said by service_collected, audited, refused
for a job that is not completed; front desk marks it from the job page or the services list."""

import pytest
from django.contrib.messages import get_messages
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from concierge.accounts.roles import FRONT_DESK, TECHNICIAN
from concierge.accounts.tests.factories import UserFactory, login_verified, staff_in_role
from concierge.audit.context import acting_as
from concierge.audit.models import AuditLog
from concierge.tests.concurrency import at_once
from concierge.tests.signals import received
from concierge.workflows.models import Event
from fleet.tests.factories import VehicleFactory
from servicing import signals
from servicing import workflow_events as servicing_events
from servicing.models import Service, ServiceCollection, ServiceStatus
from servicing.services import CollectionRefused, service_complete, service_mark_collected
from servicing.tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db


def a_completed_job(**fields) -> Service:
    job = ServiceFactory(status=ServiceStatus.IN_PROGRESS, scheduled_date=timezone.localdate(), **fields)
    service_complete(service=job)
    return job


def collected_view(job):
    return reverse("admin:servicing_service_collected", args=[job.pk])


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


# The service.


def test_marking_a_completed_job_collected_records_who_and_when():
    desk = UserFactory(first_name="Achieng", last_name="Otieno")
    job = a_completed_job()
    before = timezone.now()
    collection, created = service_mark_collected(service=job, by=desk, note="  Picked up by her brother  ")
    assert created is True
    stored = ServiceCollection.objects.get(service=job)
    assert stored.pk == collection.pk
    assert stored.collected_by == desk
    assert before <= stored.collected_at <= timezone.now()
    assert stored.note == "Picked up by her brother"


def test_pressing_twice_records_one_collection_and_says_so_once():
    job = a_completed_job()
    with received(signals.service_collected) as sends:
        first, created_first = service_mark_collected(service=job)
        second, created_second = service_mark_collected(service=Service.objects.get(pk=job.pk), note="again")
    assert (created_first, created_second) == (True, False)
    assert first.pk == second.pk and second.note == ""  # the second press changed nothing
    assert ServiceCollection.objects.filter(service=job).count() == 1
    assert [(s["sender"], s["service"].pk, s["collection"].pk) for s in sends] == [(Service, job.pk, first.pk)]
    assert sends[0]["in_transaction"]
    assert Event.objects.filter(name=servicing_events.SERVICE_COLLECTED, service=job).count() == 1


@pytest.mark.parametrize("status", [ServiceStatus.PENDING, ServiceStatus.IN_PROGRESS, ServiceStatus.CANCELLED])
def test_only_a_completed_jobs_car_is_collected(status):
    job = ServiceFactory(status=status)
    with received(signals.service_collected) as sends, pytest.raises(CollectionRefused, match="completed"):
        service_mark_collected(service=job)
    assert not ServiceCollection.objects.exists()
    assert sends == []
    assert not Event.objects.filter(name=servicing_events.SERVICE_COLLECTED).exists()


def test_the_decision_is_taken_on_the_stored_job_not_the_one_the_caller_loaded():
    """A page loaded the job in progress; it was completed since: the car may be handed back."""
    job = ServiceFactory(status=ServiceStatus.IN_PROGRESS, scheduled_date=timezone.localdate())
    as_loaded = Service.objects.get(pk=job.pk)
    service_complete(service=job)
    assert service_mark_collected(service=as_loaded)[1] is True


def test_the_database_refuses_a_collection_of_a_job_not_completed():
    """Whatever the writer (a bulk insert, SQL): the trigger, not only the service."""
    job = ServiceFactory(status=ServiceStatus.IN_PROGRESS)
    with pytest.raises(IntegrityError, match="completed"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("INSERT INTO service_collections (service_id, collected_at) VALUES (%s, now())", [job.pk])
    assert not ServiceCollection.objects.exists()


def test_a_job_has_at_most_one_collection_in_the_database():
    job = a_completed_job()
    service_mark_collected(service=job)
    with pytest.raises(IntegrityError), transaction.atomic():
        ServiceCollection.objects.create(service=job, collected_at=timezone.now())


def test_the_collection_is_audited_with_the_acting_user():
    desk = UserFactory()
    job = a_completed_job()
    with acting_as(desk):
        collection, _ = service_mark_collected(service=job, by=desk, note="Owner paid cash")
    row = AuditLog.objects.get(table_name="service_collections", record_id=collection.pk, action="INSERT")
    assert row.user_id == desk.pk
    assert row.new_values["service_id"] == str(job.pk) and row.new_values["note"] == "Owner paid cash"


@pytest.mark.django_db(transaction=True)
def test_two_colleagues_pressing_at_once_record_one_collection():
    job = a_completed_job()
    results = at_once(job, lambda: service_mark_collected(service=job), lambda: service_mark_collected(service=job))
    assert sorted(created for _, created in results) == [False, True]
    assert ServiceCollection.objects.filter(service=job).count() == 1
    assert Event.objects.filter(name=servicing_events.SERVICE_COLLECTED, service=job).count() == 1


# The job page and the services list.


@pytest.fixture
def front_desk(client):
    login_verified(client, staff_in_role(FRONT_DESK, first_name="Achieng", last_name="Otieno"))
    return client


def test_front_desk_marks_a_completed_job_collected_from_its_page(front_desk):
    job = a_completed_job(vehicle=VehicleFactory(license_plate="KDA 123A"))
    page = front_desk.get(reverse("admin:servicing_service_change", args=[job.pk])).content.decode()
    assert collected_view(job) in page and "Waiting in the yard: not collected yet." in page
    assert front_desk.get(collected_view(job)).status_code == 200
    response = front_desk.post(collected_view(job), {"note": "Collected by the driver, Juma"}, follow=True)
    assert "KDA 123A: collected." in messages_of(response)
    collection = ServiceCollection.objects.get(service=job)
    assert collection.collected_by.get_full_name() == "Achieng Otieno"
    page = response.content.decode()
    when = timezone.localtime(collection.collected_at)
    assert f"Collected {when:%d/%m/%Y %H:%M} · recorded by Achieng Otieno · Collected by the driver, Juma" in page
    assert collected_view(job) not in page  # no button once collected


def test_a_second_press_on_the_page_records_nothing_and_says_when_it_was_collected(front_desk):
    job = a_completed_job(vehicle=VehicleFactory(license_plate="KDB 456B"))
    front_desk.post(collected_view(job), {}, follow=True)
    response = front_desk.post(collected_view(job), {"note": "twice"}, follow=True)
    [message] = messages_of(response)
    assert message.startswith("KDB 456B was already recorded as collected at") and "nothing changed" in message
    assert ServiceCollection.objects.get(service=job).note == ""


def test_the_page_refuses_a_job_not_completed_with_a_message_and_writes_nothing(front_desk):
    job = ServiceFactory(status=ServiceStatus.IN_PROGRESS)
    page = front_desk.get(reverse("admin:servicing_service_change", args=[job.pk])).content.decode()
    assert collected_view(job) not in page
    response = front_desk.post(collected_view(job), {})
    assert response.status_code == 400
    assert "Only a completed job&#x27;s car is collected; this job is in progress." in response.content.decode()
    assert not ServiceCollection.objects.exists()


def test_a_note_too_long_is_said_beside_the_field(front_desk):
    job = a_completed_job()
    response = front_desk.post(collected_view(job), {"note": "x" * 501})
    assert response.status_code == 400
    assert response.context["form"].errors["note"]
    assert not ServiceCollection.objects.exists()


def test_a_technician_sees_the_collection_but_cannot_record_one(client):
    login_verified(client, staff_in_role(TECHNICIAN))
    job = a_completed_job()
    page = client.get(reverse("admin:servicing_service_change", args=[job.pk])).content.decode()
    assert "Waiting in the yard: not collected yet." in page and collected_view(job) not in page
    assert client.get(collected_view(job)).status_code == 403
    assert client.post(collected_view(job), {}).status_code == 403
    assert not ServiceCollection.objects.exists()


def test_the_bulk_action_marks_every_selected_completed_job_collected(front_desk):
    jobs = [a_completed_job() for _ in range(3)]
    service_mark_collected(service=jobs[0])
    response = front_desk.post(reverse("admin:servicing_service_changelist"), {
        "action": "mark_selected_collected", "_selected_action": [str(j.pk) for j in jobs],
    }, follow=True)
    assert "2 car(s) collected. 1 already collected: left as they were." in messages_of(response)
    assert ServiceCollection.objects.count() == 3


def test_the_bulk_action_is_all_or_nothing(front_desk):
    done = a_completed_job()
    open_job = ServiceFactory(status=ServiceStatus.PENDING, vehicle=VehicleFactory(license_plate="KDC 789C"))
    response = front_desk.post(reverse("admin:servicing_service_changelist"), {
        "action": "mark_selected_collected", "_selected_action": [str(done.pk), str(open_job.pk)],
    }, follow=True)
    [message] = messages_of(response)
    assert message.startswith("Nothing recorded: 1 of the 2 selected jobs are not completed.")
    assert "KDC 789C" in message
    assert not ServiceCollection.objects.exists()


def test_the_services_list_filters_cars_waiting_in_the_yard(front_desk):
    waiting, collected = a_completed_job(), a_completed_job()
    ServiceFactory(status=ServiceStatus.PENDING)
    service_mark_collected(service=collected)
    listed = front_desk.get(reverse("admin:servicing_service_changelist"), {"collection": "waiting"})
    assert [s.pk for s in listed.context["cl"].result_list] == [waiting.pk]
    listed = front_desk.get(reverse("admin:servicing_service_changelist"), {"collection": "collected"})
    assert [s.pk for s in listed.context["cl"].result_list] == [collected.pk]


# Jobs completed before collection was recorded (migration 0019).


def test_the_migration_takes_jobs_completed_before_it_as_collected_at_the_end_of_their_day():
    import datetime
    import importlib

    migration = importlib.import_module("servicing.migrations.0019_collections_before_tracking")
    today = timezone.localdate()
    old = ServiceFactory(status=ServiceStatus.COMPLETED, scheduled_date=today - datetime.timedelta(days=40),
                         completed_date=today - datetime.timedelta(days=39))
    marked = ServiceFactory(status=ServiceStatus.COMPLETED, scheduled_date=today - datetime.timedelta(days=3),
                            completed_date=today - datetime.timedelta(days=3))
    kept, _ = service_mark_collected(service=marked, note="by hand")
    today_job = a_completed_job()  # completed today: may well still be in the yard
    open_job = ServiceFactory(status=ServiceStatus.IN_PROGRESS)
    with connection.schema_editor() as editor:
        migration.collections_before_tracking(None, editor)
    backfilled = ServiceCollection.objects.get(service=old)
    assert timezone.localtime(backfilled.collected_at).replace(tzinfo=None) == datetime.datetime.combine(
        old.completed_date, datetime.time(18, 0))
    assert backfilled.collected_by is None and backfilled.note == migration.NOTE
    assert ServiceCollection.objects.get(service=marked).pk == kept.pk  # a record by hand is kept as it was
    assert not ServiceCollection.objects.filter(service__in=[today_job, open_job]).exists()
    with connection.schema_editor() as editor:  # migrated backwards: only the backfilled rows go
        migration.forget_collections_before_tracking(None, editor)
    assert list(ServiceCollection.objects.values_list("service_id", flat=True)) == [marked.pk]

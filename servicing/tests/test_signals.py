"""A job's changes are said by the service that makes them (servicing/signals.py): the signal carries the
old and new status and the acting user, is sent inside the service's transaction, and only a service
sends it; a plain save invents nothing."""

import pytest
from django.test import Client as Browser
from django.urls import reverse
from django.utils import timezone

from concierge.accounts.tests.factories import login_verified
from concierge.tests.admin_forms import posted_as_opened
from concierge.tests.signals import received
from servicing import workflow_events as servicing_events
from concierge.workflows.models import Event
from fleet.tests.factories import VehicleFactory
from servicing import signals
from servicing.lifecycle import InvalidTransition
from servicing.models import Service, ServiceStatus
from servicing.services import (
    service_change_status_bulk, service_complete, service_create, service_start,
    service_update,
)
from servicing.tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db


def test_a_status_change_sends_the_old_and_new_status_and_who_made_it(superuser):
    job = ServiceFactory(status=ServiceStatus.PENDING)
    with received(signals.service_status_changed) as sends:
        assert service_start(service=job, by=superuser)
    [sent] = sends
    assert (sent["sender"], sent["service"], sent["by"]) == (Service, job, superuser)
    assert (sent["old_status"], sent["new_status"]) == (ServiceStatus.PENDING, ServiceStatus.IN_PROGRESS)


def test_the_old_status_is_the_locked_rows_not_the_one_the_caller_loaded(superuser):
    """A wall screen loaded the job pending; someone started it meanwhile: completing it says in_progress."""
    job = ServiceFactory(status=ServiceStatus.PENDING, scheduled_date=timezone.localdate())
    as_loaded = Service.objects.get(pk=job.pk)
    service_start(service=job)
    with received(signals.service_status_changed) as sends:
        service_complete(service=as_loaded, by=superuser)
    assert [(s["old_status"], s["new_status"]) for s in sends] == [(ServiceStatus.IN_PROGRESS, ServiceStatus.COMPLETED)]


def test_asking_for_the_status_a_job_has_sends_nothing():
    job = ServiceFactory(status=ServiceStatus.IN_PROGRESS)
    with received(signals.service_status_changed) as sends:
        assert service_start(service=job) is False
        service_change_status_bulk(services=[job], status=ServiceStatus.IN_PROGRESS)
    assert sends == []


def test_a_refused_change_sends_nothing():
    job = ServiceFactory(status=ServiceStatus.PENDING)
    with received(signals.service_status_changed) as sends, pytest.raises(InvalidTransition):
        service_complete(service=job)
    assert sends == []


def test_a_bulk_change_sends_once_per_job_with_who_made_it(superuser):
    jobs = ServiceFactory.create_batch(3)
    with received(signals.service_status_changed) as sends:
        service_change_status_bulk(services=jobs, status=ServiceStatus.CANCELLED, by=superuser)
    assert sorted(s["service"].pk for s in sends) == sorted(j.pk for j in jobs)
    assert {s["by"] for s in sends} == {superuser}


def test_booking_sends_service_created_with_who_booked(superuser):
    car = VehicleFactory()
    with received(signals.service_created) as sends:
        job = service_create(service=Service(vehicle=car, service_type="Oil Change"), by=superuser)
    assert [(s["sender"], s["service"], s["by"]) for s in sends] == [(Service, job, superuser)]
    assert Event.objects.filter(name=servicing_events.SERVICE_CREATED, service=job).count() == 1


def test_a_receiver_that_fails_undoes_the_change_and_its_events():
    """Sent inside the service's transaction, after the write: a receiver's failure is the change's."""
    job = ServiceFactory(status=ServiceStatus.PENDING)
    before = Event.objects.count()

    def refuse(sender, **kwargs):
        assert Service.objects.get(pk=job.pk).status == ServiceStatus.IN_PROGRESS  # written, not committed
        raise RuntimeError("a receiver failed")

    signals.service_status_changed.connect(refuse, weak=False, dispatch_uid="test-refuse")
    try:
        with pytest.raises(RuntimeError):
            service_start(service=job)
    finally:
        signals.service_status_changed.disconnect(dispatch_uid="test-refuse")
    assert Service.objects.get(pk=job.pk).status == ServiceStatus.PENDING
    assert Event.objects.count() == before


@pytest.mark.django_db(transaction=True)
def test_the_signal_is_sent_inside_the_services_transaction():
    """No test transaction around it here: the only atomic block is the service's own."""
    job = ServiceFactory(status=ServiceStatus.PENDING)
    with received(signals.service_status_changed) as sends:
        service_start(service=job)
    assert [s["in_transaction"] for s in sends] == [True]


def test_a_plain_save_of_a_new_status_sends_nothing_and_fires_no_event():
    """Services are the way to change a status: Service.save() is a write and nothing more (the
    lifecycle, the row lock and the events are service_change_status's)."""
    job = ServiceFactory(status=ServiceStatus.PENDING)
    with received(signals.service_status_changed) as sends:
        job.status = ServiceStatus.CANCELLED
        job.save()
    assert sends == []
    assert list(Event.objects.filter(service=job).values_list("name", flat=True)) == [servicing_events.SERVICE_CREATED]


def test_service_update_refuses_the_status():
    job = ServiceFactory(status=ServiceStatus.PENDING)
    job.status = ServiceStatus.CANCELLED
    with pytest.raises(ValueError, match="service_change_status"):
        service_update(service=job, fields=["status", "notes"])
    assert Service.objects.get(pk=job.pk).status == ServiceStatus.PENDING


@pytest.mark.django_db(transaction=True)
def test_the_admin_form_completing_a_job_sends_one_change_by_its_user_and_fires_one_event(superuser):
    job = ServiceFactory(status=ServiceStatus.IN_PROGRESS, scheduled_date=timezone.localdate())
    browser = Browser()
    login_verified(browser, superuser)
    url = reverse("admin:servicing_service_change", args=[job.pk])
    data = posted_as_opened(browser.get(url), status="completed", notes="Ready at 4")
    with received(signals.service_status_changed) as sends:
        assert browser.post(url, data).status_code == 302
    assert [(s["old_status"], s["new_status"], s["by"]) for s in sends] == [
        (ServiceStatus.IN_PROGRESS, ServiceStatus.COMPLETED, superuser)]
    assert Event.objects.filter(service=job, name=servicing_events.SERVICE_COMPLETED).count() == 1
    assert Event.objects.filter(service=job, name=servicing_events.SERVICE_STATUS_CHANGED).count() == 1
    job.refresh_from_db()
    assert (job.status, job.completed_date, job.notes) == (ServiceStatus.COMPLETED, timezone.localdate(), "Ready at 4")


@pytest.mark.django_db(transaction=True)
def test_the_admin_form_booking_a_job_sends_service_created_by_its_user(superuser):
    car = VehicleFactory()
    browser = Browser()
    login_verified(browser, superuser)
    data = {"vehicle": str(car.pk), "service_type": "Oil Change", "scheduled_date": timezone.localdate().strftime("%d/%m/%Y"),
            "status": "pending", "cost": "4500.00"}
    with received(signals.service_created) as sends:
        response = browser.post(reverse("admin:servicing_service_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    job = Service.objects.get(vehicle=car)
    assert [(s["service"], s["by"]) for s in sends] == [(job, superuser)]
    assert Event.objects.filter(service=job, name=servicing_events.SERVICE_CREATED).count() == 1

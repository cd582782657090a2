import datetime

import pytest
from django.utils import timezone

from servicing.lifecycle import InvalidTransition
from servicing.models import ServiceStatus
from servicing.services import service_cancel, service_change_status, service_complete, service_start
from servicing.tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db


def test_pending_job_starts_then_completes_with_todays_date():
    service = ServiceFactory(scheduled_date=datetime.date(2026, 1, 5))
    service_start(service=service)
    service_complete(service=service)
    service.refresh_from_db()
    assert service.status == ServiceStatus.COMPLETED
    assert service.completed_date is not None


def test_completing_keeps_a_given_completed_date():
    service = ServiceFactory(status=ServiceStatus.IN_PROGRESS, scheduled_date=datetime.date(2026, 1, 5))
    service_complete(service=service, completed_date=datetime.date(2026, 1, 7))
    service.refresh_from_db()
    assert service.completed_date == datetime.date(2026, 1, 7)


def test_pending_job_cannot_jump_to_completed():
    service = ServiceFactory()
    with pytest.raises(InvalidTransition):
        service_complete(service=service)
    service.refresh_from_db()
    assert service.status == ServiceStatus.PENDING and service.completed_date is None


@pytest.mark.parametrize("final", [ServiceStatus.COMPLETED, ServiceStatus.CANCELLED])
@pytest.mark.parametrize("target", list(ServiceStatus))
def test_completed_and_cancelled_jobs_are_final(final, target):
    service = ServiceFactory(status=final, completed_date=datetime.date.today() if final == "completed" else None)
    if target == final:  # asking for the status it has is no change, not a reopening
        assert service_change_status(service=service, status=target) is False
        return
    with pytest.raises(InvalidTransition):
        service_change_status(service=service, status=target)


def test_in_progress_job_can_be_cancelled():
    service = ServiceFactory(status=ServiceStatus.IN_PROGRESS)
    service_cancel(service=service)
    service.refresh_from_db()
    assert service.status == ServiceStatus.CANCELLED


def test_completion_before_scheduled_date_is_refused_and_nothing_written():
    service = ServiceFactory(status=ServiceStatus.IN_PROGRESS, scheduled_date=datetime.date(2026, 3, 10))
    with pytest.raises(InvalidTransition):
        service_complete(service=service, completed_date=datetime.date(2026, 3, 9))
    service.refresh_from_db()
    assert service.status == ServiceStatus.IN_PROGRESS


def test_a_job_started_before_its_booked_day_is_rebooked_to_the_start_day_and_can_be_completed():
    """Booked for the 2nd, started on the 30th: the booking moves to the 30th and the job can be
    completed that day (the seed's CHECK completed_date >= scheduled_date stays)."""
    today = timezone.localdate()
    service = ServiceFactory(scheduled_date=today + datetime.timedelta(days=2))
    service_start(service=service)
    service_complete(service=service)
    service.refresh_from_db()
    assert (service.status, service.scheduled_date, service.completed_date) == (ServiceStatus.COMPLETED, today, today)


def test_starting_on_or_after_the_booked_day_keeps_the_booking():
    today = timezone.localdate()
    for booked in (today, today - datetime.timedelta(days=3)):
        service = ServiceFactory(scheduled_date=booked)
        service_start(service=service)
        service.refresh_from_db()
        assert service.scheduled_date == booked


def test_the_migration_rebooks_jobs_already_started_early():
    import importlib

    from django.db import connection

    migration = importlib.import_module("servicing.migrations.0014_rebook_jobs_started_early")
    today = timezone.localdate()
    early = ServiceFactory(status=ServiceStatus.IN_PROGRESS, scheduled_date=today + datetime.timedelta(days=4))
    late = ServiceFactory(status=ServiceStatus.IN_PROGRESS, scheduled_date=today - datetime.timedelta(days=2))
    pending = ServiceFactory(scheduled_date=today + datetime.timedelta(days=4))
    with connection.schema_editor() as editor:
        migration.rebook_jobs_started_early(None, editor)
    for job, booked in ((early, today), (late, late.scheduled_date), (pending, pending.scheduled_date)):
        job.refresh_from_db()
        assert job.scheduled_date == booked

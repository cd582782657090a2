import datetime

import pytest

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

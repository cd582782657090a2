import datetime

import pytest

from concierge.workflows.models import Event
from servicing import workflow_events as job_events
from servicing.models import ServiceStatus
from servicing.tests.factories import ServiceFactory
from servicing.workflow_events import time_based_events_fire

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 24)


def test_due_tomorrow_fires_once_per_job_however_many_beat_ticks():
    due = ServiceFactory(scheduled_date=TODAY + datetime.timedelta(days=1))
    ServiceFactory(scheduled_date=TODAY + datetime.timedelta(days=2))
    ServiceFactory(scheduled_date=TODAY + datetime.timedelta(days=1), status=ServiceStatus.CANCELLED)
    assert time_based_events_fire(today=TODAY)[job_events.SERVICE_DUE_TOMORROW] == 1
    assert time_based_events_fire(today=TODAY)[job_events.SERVICE_DUE_TOMORROW] == 0
    assert list(Event.objects.filter(name=job_events.SERVICE_DUE_TOMORROW).values_list("service", flat=True)) == [due.pk]


def test_overdue_fires_once_for_pending_jobs_in_the_past():
    late = ServiceFactory(scheduled_date=TODAY - datetime.timedelta(days=3))
    ServiceFactory(scheduled_date=TODAY - datetime.timedelta(days=3), status=ServiceStatus.IN_PROGRESS)
    today_job = ServiceFactory(scheduled_date=TODAY)
    assert time_based_events_fire(today=TODAY)[job_events.SERVICE_OVERDUE] == 1
    assert time_based_events_fire(today=TODAY)[job_events.SERVICE_OVERDUE] == 0
    # The next day, today's job is late too: it fires, the first one does not fire again.
    assert time_based_events_fire(today=TODAY + datetime.timedelta(days=1))[job_events.SERVICE_OVERDUE] == 1
    assert set(Event.objects.filter(name=job_events.SERVICE_OVERDUE).values_list("service", flat=True)) == {late.pk, today_job.pk}


def test_a_rescheduled_job_is_reminded_again_for_its_new_date():
    job = ServiceFactory(scheduled_date=TODAY + datetime.timedelta(days=1))
    time_based_events_fire(today=TODAY)
    job.scheduled_date = TODAY + datetime.timedelta(days=5)
    job.save()
    assert time_based_events_fire(today=TODAY + datetime.timedelta(days=4))[job_events.SERVICE_DUE_TOMORROW] == 1
    assert Event.objects.filter(name=job_events.SERVICE_DUE_TOMORROW, service=job).count() == 2


def test_the_beat_entry_names_servicings_task_and_it_fires_the_events():
    from concierge.celery import app
    from servicing.tasks import fire_time_based_events

    entry = app.conf.beat_schedule["fire-time-based-events"]
    assert entry["task"] == fire_time_based_events.name and entry["task"] in app.tasks
    ServiceFactory(scheduled_date=datetime.date.today() - datetime.timedelta(days=2))
    assert fire_time_based_events()[job_events.SERVICE_OVERDUE] == 1

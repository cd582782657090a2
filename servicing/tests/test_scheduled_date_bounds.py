"""Booking dates that make sense (issue 12, item 8): from 1 Jan 2000 to two years ahead, beside the field,
and a CHECK in the database for whatever skips the forms."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from concierge.accounts.tests.factories import login_verified
from concierge.workflows.validation import WorkflowInvalid, validate_actions
from fleet.tests.factories import VehicleFactory
from servicing import workflow_events as job_events
from servicing.forms import ServiceForm
from servicing.models import Service, ServiceStatus
from servicing.tests.factories import ServiceFactory
from servicing.validators import SCHEDULE_AHEAD_DAYS

pytestmark = pytest.mark.django_db


def booking(day):
    return {"vehicle": str(VehicleFactory().pk), "service_type": "Oil Change", "description": "",
            "scheduled_date": day, "technician": "", "cost": "4500", "status": ServiceStatus.PENDING,
            "completed_date": "", "notes": ""}


def ahead(days):
    return timezone.localdate() + datetime.timedelta(days=days)


@pytest.mark.parametrize(("typed", "words"), [
    ("01/01/1850", "before 1 Jan 2000"),
    ("31/12/1999", "before 1 Jan 2000"),
    ("01/01/2100", "at most two years ahead"),
    (ahead(SCHEDULE_AHEAD_DAYS + 1).isoformat(), "at most two years ahead"),
])
def test_a_date_outside_the_bounds_is_a_field_error(typed, words):
    form = ServiceForm(data=booking(typed))
    assert not form.is_valid()
    assert list(form.errors) == ["scheduled_date"]
    [message] = form.errors["scheduled_date"]
    assert words in message


@pytest.mark.parametrize("day", [datetime.date(2000, 1, 1), ahead(SCHEDULE_AHEAD_DAYS)])
def test_the_bounds_themselves_are_accepted(day):
    form = ServiceForm(data=booking(day.isoformat()))
    assert form.is_valid(), form.errors


def test_the_admin_shows_one_message_beside_the_field_and_saves_nothing(client, superuser):
    login_verified(client, superuser)
    response = client.post(reverse("admin:servicing_service_add"), booking("01/01/2100"))
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert list(form.errors) == ["scheduled_date"] and len(form.errors["scheduled_date"]) == 1
    assert not Service.objects.exists()


@pytest.mark.parametrize("day", [datetime.date(1850, 1, 1), datetime.date(2100, 1, 1)])
def test_the_database_refuses_what_skips_the_forms(day):
    with pytest.raises(IntegrityError, match="services_scheduled_date_bounds"), transaction.atomic():
        ServiceFactory(scheduled_date=day)
    job = ServiceFactory()
    with pytest.raises(IntegrityError, match="services_scheduled_date_bounds"), transaction.atomic():
        Service.objects.filter(pk=job.pk).update(scheduled_date=day)


def test_a_workflow_cannot_book_a_follow_up_beyond_the_bounds():
    action = {"type": "schedule_follow_up", "service_type": "Oil Change", "after_days": SCHEDULE_AHEAD_DAYS + 1}
    with pytest.raises(WorkflowInvalid):
        validate_actions([action], trigger_event=job_events.SERVICE_COMPLETED)
    validate_actions([{**action, "after_days": SCHEDULE_AHEAD_DAYS}], trigger_event=job_events.SERVICE_COMPLETED)


@pytest.mark.owner_role  # runs the migration's DDL
def test_the_migration_names_jobs_outside_the_bounds_instead_of_changing_them():
    import importlib
    from types import SimpleNamespace

    from django.db import connection

    migration = importlib.import_module("servicing.migrations.0015_scheduled_date_bounds")
    with connection.cursor() as cursor:  # a database from before the CHECK (rolled back with the test)
        cursor.execute("ALTER TABLE services DROP CONSTRAINT services_scheduled_date_bounds")
    job = ServiceFactory(scheduled_date=datetime.date(1850, 1, 1))
    with pytest.raises(RuntimeError, match=rf"job {job.pk}: 01/01/1850"):
        migration.refuse_jobs_outside_the_bounds(None, SimpleNamespace(connection=connection))
    job.refresh_from_db()
    assert job.scheduled_date == datetime.date(1850, 1, 1)

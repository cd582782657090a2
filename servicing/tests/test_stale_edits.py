"""No lost edits on a job (issue 13 item 4): a page opened before someone else's change is not saved
over it, says what changed, and a save writes only the fields the user changed."""

import html

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from concierge.accounts.tests.factories import UserFactory, login_verified
from concierge.tests.admin_forms import posted_as_opened
from servicing.models import ServiceStatus
from servicing.tests.factories import ServiceFactory

# Real commits: updated_at is the time of the transaction that wrote the row, so two staff saving one
# after the other must be two transactions, as in the shop (in one test transaction it never moves).
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def grace(client, superuser):
    login_verified(client, superuser)
    return client


@pytest.fixture
def peter(superuser):
    from django.test import Client as Browser

    browser = Browser()
    login_verified(browser, UserFactory(is_superuser=True, first_name="Peter", last_name="Otieno"))
    return browser


def change_url(job):
    return reverse("admin:servicing_service_change", args=[job.pk])


def refusal(response):
    assert response.status_code == 200, "the stale page was saved"
    return " ".join(html.unescape(str(response.context["adminform"].form.non_field_errors())).split())


def test_a_form_opened_before_the_job_was_completed_on_the_board_cannot_empty_its_completion_date(grace, peter):
    job = ServiceFactory(status=ServiceStatus.IN_PROGRESS, scheduled_date=timezone.localdate(), notes="")
    opened = posted_as_opened(grace.get(change_url(job)), technician="Ann Wanjiku")
    peter.post(reverse("servicing:board_advance", args=[job.pk]), {"from_status": "in_progress"})
    message = refusal(grace.post(change_url(job), opened))
    assert "Not saved: since you opened this page, Peter Otieno" in message
    assert "Status: In progress → Completed" in message
    assert f"Completed date: — → {timezone.localdate():%-d %b %Y}" in message
    job.refresh_from_db()
    assert (job.status, job.completed_date, job.technician) == (
        ServiceStatus.COMPLETED, timezone.localdate(), "Peter Kamau")


def test_b_saving_a_page_opened_before_a_saved_does_not_erase_a_notes(grace, peter):
    job = ServiceFactory(notes="")
    page_a, page_b = grace.get(change_url(job)), peter.get(change_url(job))
    assert grace.post(change_url(job), posted_as_opened(page_a, notes="Customer waits; brakes squeal")).status_code == 302
    message = refusal(peter.post(change_url(job), posted_as_opened(page_b, cost="5000.00")))
    assert "Grace Wairimu" in message and "Internal notes: — → Customer waits; brakes squeal" in message
    job.refresh_from_db()
    assert (job.notes, str(job.cost)) == ("Customer waits; brakes squeal", "4500.00")
    # Opened again, B's page holds A's notes and saves.
    again = peter.get(change_url(job))
    assert peter.post(change_url(job), posted_as_opened(again, cost="5000.00")).status_code == 302
    job.refresh_from_db()
    assert (job.notes, str(job.cost)) == ("Customer waits; brakes squeal", "5000.00")


def test_a_save_writes_only_the_fields_the_user_changed(grace):
    job = ServiceFactory(notes="")
    data = posted_as_opened(grace.get(change_url(job)), notes="Brake pads ordered")
    with CaptureQueriesContext(connection) as queries:
        assert grace.post(change_url(job), data).status_code == 302
    [update] = [q["sql"] for q in queries.captured_queries if q["sql"].startswith('UPDATE "services"')]
    assert update.startswith('UPDATE "services" SET "notes" = ') and update.count(" = ") == 2  # SET and WHERE


def test_a_post_without_the_version_it_was_opened_at_is_refused(grace):
    job = ServiceFactory(notes="")
    data = posted_as_opened(grace.get(change_url(job)), notes="x")
    del data["row_version"]
    assert "did not say which version" in refusal(grace.post(change_url(job), data))
    job.refresh_from_db()
    assert job.notes == ""


def test_the_refusal_tells_a_technician_nothing_their_page_does_not_show(grace):
    from django.test import Client as Browser

    from concierge.accounts.roles import TECHNICIAN
    from concierge.accounts.tests.factories import staff_in_role

    job = ServiceFactory(notes="")
    technician = Browser()
    technician.force_login(staff_in_role(TECHNICIAN, first_name="Ann", last_name="Wanjiku"))
    opened = posted_as_opened(technician.get(change_url(job)), notes="Pads worn")
    assert "cost" not in opened  # read-only for a technician: no prices
    manager_page = grace.get(change_url(job))
    assert grace.post(change_url(job), posted_as_opened(manager_page, cost="5200.00", notes="Quote sent")).status_code == 302
    message = refusal(technician.post(change_url(job), opened))
    assert "Internal notes: — → Quote sent" in message and "1 field(s) not on this page" in message
    assert "5200" not in message and "4500" not in message

"""One status change, one event, one text (issue 13 item 3): asking for the status a job already has is
no change, whichever path asks, and two people asking at once change the job once."""

import pytest
from django.test import Client as Browser
from django.urls import reverse
from django.utils import timezone

from concierge.accounts.tests.factories import login_verified
from concierge.tests.concurrency import at_once
from concierge.workflows.defaults import install_default_workflows
from concierge.workflows.models import Event, Workflow
from concierge.workflows.tasks import run_event_workflows
from notifications.models import Notification, NotificationType
from servicing import workflow_events as job_events
from servicing.models import ServiceStatus
from servicing.tests.factories import ServiceFactory

# Real commits: each request runs in its own thread, on its own connection.
pytestmark = pytest.mark.django_db(transaction=True)


def signed_in(user):
    browser = Browser()
    login_verified(browser, user)
    return browser


def form_as_opened(browser, job):
    """What the change page posts back when Save is pressed without touching anything."""
    page = browser.get(reverse("admin:servicing_service_change", args=[job.pk]))
    form = page.context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    return {name: "" if value is None else value for name, value in data.items()}


def run_the_workers_share():
    """What the worker does after each commit: run every event's workflows (the task, called here)."""
    for pk in Event.objects.filter(processed_at__isnull=True).values_list("pk", flat=True):
        run_event_workflows(str(pk))


def completions_and_texts(job):
    completed = Event.objects.filter(service=job, name=job_events.SERVICE_COMPLETED).count()
    texts = Notification.objects.filter(service=job, channel=NotificationType.SMS).count()
    return completed, texts


def test_the_service_form_saved_twice_at_once_with_completed_gives_one_event_and_one_text(superuser):
    install_default_workflows()
    job = ServiceFactory(status=ServiceStatus.IN_PROGRESS, scheduled_date=timezone.localdate())
    first, second = signed_in(superuser), signed_in(superuser)
    url = reverse("admin:servicing_service_change", args=[job.pk])
    posts = [{**form_as_opened(browser, job), "status": "completed"} for browser in (first, second)]
    responses = at_once(job, lambda: first.post(url, posts[0]), lambda: second.post(url, posts[1]))
    run_the_workers_share()
    assert completions_and_texts(job) == (1, 1)
    job.refresh_from_db()
    assert (job.status, job.completed_date) == (ServiceStatus.COMPLETED, timezone.localdate())
    # The first save went through; the second was refused as made on a page opened before the first.
    assert sorted(r.status_code for r in responses) == [200, 302]
    refused = next(r for r in responses if r.status_code == 200).content.decode()
    assert "Not saved: since you opened this page" in refused


def test_the_board_pressed_twice_at_once_completes_the_job_once(superuser):
    install_default_workflows()
    job = ServiceFactory(status=ServiceStatus.IN_PROGRESS, scheduled_date=timezone.localdate())
    first, second = signed_in(superuser), signed_in(superuser)
    url = reverse("servicing:board_advance", args=[job.pk])
    at_once(job, lambda: first.post(url, {"from_status": "in_progress"}),
            lambda: second.post(url, {"from_status": "in_progress"}))
    run_the_workers_share()
    assert completions_and_texts(job) == (1, 1)


def test_the_bulk_action_run_twice_at_once_completes_each_job_once(superuser):
    install_default_workflows()
    job = ServiceFactory(status=ServiceStatus.IN_PROGRESS, scheduled_date=timezone.localdate())
    first, second = signed_in(superuser), signed_in(superuser)
    data = {"action": "complete_selected", "_selected_action": [str(job.pk)]}
    url = reverse("admin:servicing_service_changelist")
    at_once(job, lambda: first.post(url, data), lambda: second.post(url, data))
    run_the_workers_share()
    assert completions_and_texts(job) == (1, 1)
    # The later of the two says what happened rather than refusing or pretending to change it.
    page = second.get(url).content.decode() + first.get(url).content.decode()
    assert "1 already completed" in page


def test_saving_the_form_of_a_completed_job_with_its_status_unchanged_sends_nothing(superuser):
    install_default_workflows()
    job = ServiceFactory(status=ServiceStatus.COMPLETED, completed_date=timezone.localdate(),
                         scheduled_date=timezone.localdate())
    browser = signed_in(superuser)
    data = {**form_as_opened(browser, job), "notes": "Customer collected"}
    response = browser.post(reverse("admin:servicing_service_change", args=[job.pk]), data)
    assert response.status_code == 302
    run_the_workers_share()
    assert Event.objects.filter(service=job).exclude(name=job_events.SERVICE_CREATED).count() == 0
    assert completions_and_texts(job) == (0, 0)
    job.refresh_from_db()
    assert job.notes == "Customer collected"


def test_a_workflow_setting_the_status_a_job_has_changes_nothing_and_sends_nothing():
    """The workflow action and the task that runs it: a job completed is not completed again."""
    install_default_workflows()
    Workflow.objects.create(name="close on completion", trigger_event=job_events.SERVICE_COMPLETED,
                            actions=[{"type": "set_status", "status": "completed"}])
    job = ServiceFactory(status=ServiceStatus.IN_PROGRESS, scheduled_date=timezone.localdate())
    from servicing.services import service_complete

    service_complete(service=job)
    run_the_workers_share()
    run_the_workers_share()  # anything the workflow's own action caused
    assert completions_and_texts(job) == (1, 1)
    assert Event.objects.filter(service=job, name=job_events.SERVICE_STATUS_CHANGED).count() == 1


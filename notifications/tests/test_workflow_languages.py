"""A workflow message has a text per language: each client gets theirs (English when the workflow has
none in their language), and the notification records the language it was written in."""

import datetime
import importlib
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from clients.models import Language
from concierge.workflows.defaults import install_default_workflows
from concierge.workflows.engine import workflow_run, workflows_run_for_event
from concierge.workflows.models import Event, Workflow
from concierge.workflows.validation import WorkflowInvalid, validate_actions
from notifications.models import Notification, NotificationType
from servicing import workflow_events as job_events
from servicing.models import ServiceStatus
from servicing.tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db


def run_pending_events():
    """What the worker does after commit, run here in the test's transaction."""
    for pk in Event.objects.filter(processed_at__isnull=True).values_list("pk", flat=True):
        workflows_run_for_event(event_id=pk)

ACTION = {"type": "send_notification", "channel": "SMS",
          "template": "Hi {{ first_name }}, {{ plate }} is ready.",
          "template_sw": "Habari {{ first_name }}, gari {{ plate }} liko tayari."}


def run(action, *, language, plate="KDA 123B", **job):
    service = ServiceFactory(status=ServiceStatus.COMPLETED, vehicle__license_plate=plate, **job,
                             vehicle__client__first_name="Wanjiku", vehicle__client__preferred_language=language)
    workflow = Workflow(name="t", trigger_event=job_events.SERVICE_COMPLETED, actions=[action])
    workflow_run(workflow=workflow, trigger_event=workflow.trigger_event, client=service.vehicle.client,
                 vehicle=service.vehicle, service=service)
    return Notification.objects.get(service=service)


def test_a_swahili_speaker_gets_the_swahili_text():
    sent = run(ACTION, language=Language.SWAHILI)
    assert (sent.message, sent.language) == ("Habari Wanjiku, gari KDA 123B liko tayari.", "sw")


def test_an_english_speaker_gets_the_english_text():
    sent = run(ACTION, language=Language.ENGLISH)
    assert (sent.message, sent.language) == ("Hi Wanjiku, KDA 123B is ready.", "en")


def test_without_a_swahili_text_a_swahili_speaker_gets_english_and_it_says_so():
    english_only = {k: v for k, v in ACTION.items() if k != "template_sw"}
    sent = run(english_only, language=Language.SWAHILI)
    assert (sent.message, sent.language) == ("Hi Wanjiku, KDA 123B is ready.", "en")


def test_an_email_gets_the_swahili_subject_or_else_the_english_one():
    email = {"type": "send_notification", "channel": "email", "subject": "Ready: {{ plate }}",
             "template": "Ready.", "template_sw": "Tayari.", "subject_sw": "Tayari: {{ plate }}"}
    assert run(email, language=Language.SWAHILI).subject == "Tayari: KDA 123B"
    del email["subject_sw"]
    assert run(email, language=Language.SWAHILI, plate="KDA 124B").subject == "Ready: KDA 124B"


def test_dates_in_a_swahili_text_are_written_in_swahili():
    action = {**ACTION, "template_sw": "Imekamilika {{ completed_date }}."}
    assert run(action, language=Language.SWAHILI, scheduled_date=datetime.date(2026, 12, 1),
               completed_date=datetime.date(2026, 12, 1)).message == (
        "Imekamilika 1 Dis 2026."  # Django's Swahili month abbreviation
    )


def test_the_swahili_text_is_checked_like_the_english_one():
    with pytest.raises(WorkflowInvalid, match=r"action 1 → template_sw: uses the unknown placeholder \{\{ jina \}\}"):
        validate_actions([{**ACTION, "template_sw": "Habari {{ jina }}"}], trigger_event=job_events.SERVICE_COMPLETED)


def test_the_english_text_is_required():
    swahili_only = {k: v for k, v in ACTION.items() if k != "template"}
    with pytest.raises(WorkflowInvalid, match="missing key 'template'"):
        validate_actions([swahili_only], trigger_event=job_events.SERVICE_COMPLETED)


def test_every_default_client_message_has_a_swahili_text():
    install_default_workflows()
    for workflow in Workflow.objects.all():
        for action in workflow.actions:
            if action["type"] == "send_notification":
                assert action.get("template_sw"), (workflow.name, action)


migration = importlib.import_module("servicing.migrations.0016_default_workflows_in_swahili")


def test_the_migration_adds_swahili_only_where_the_shipped_text_is_unchanged():
    install_default_workflows()
    for workflow in Workflow.objects.all():  # as a shop installed before the Swahili texts
        workflow.actions = [{k: v for k, v in a.items() if k != "template_sw"} for a in workflow.actions]
        workflow.save()
    edited = Workflow.objects.get(name="Reminder the day before")
    edited.actions[0]["template"] = "Kesho: {{ plate }} {{ scheduled_date }}. Call us to move it."
    edited.save()

    apps = MigrationLoader(connection).project_state(("servicing", "0016_default_workflows_in_swahili")).apps
    migration.add_swahili_where_default(apps, None)

    edited.refresh_from_db()
    assert "template_sw" not in edited.actions[0]
    started = Workflow.objects.get(name="SMS when work starts")
    assert started.actions[0]["template_sw"].startswith("Habari {{ first_name }}, tumeanza kazi")
    completed = Workflow.objects.get(name="SMS and in-app message when a job is completed")
    assert [bool(a.get("template_sw")) for a in completed.actions] == [True, True]


def test_the_completed_job_sms_reaches_a_swahili_client_in_swahili():
    from servicing.services import service_complete

    install_default_workflows()
    service = ServiceFactory(status=ServiceStatus.IN_PROGRESS, cost=Decimal("4500"), vehicle__license_plate="KDB 456C",
                             vehicle__client__first_name="Achieng", vehicle__client__preferred_language="sw")
    service_complete(service=service)
    run_pending_events()
    sms = Notification.objects.get(service=service, channel=NotificationType.SMS)
    assert sms.language == "sw"
    assert sms.message.startswith("Habari Achieng, gari lako KDB 456C liko tayari kuchukuliwa. ")

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group

from concierge.accounts.tests.factories import UserFactory
from concierge.workflows import events
from concierge.workflows.defaults import default_workflows, install_default_workflows
from concierge.workflows.engine import workflows_run_for_event
from concierge.workflows.models import Event, Workflow
from notifications.models import Notification, NotificationStatus, NotificationType
from notifications.tests.sent import text_as_sent
from servicing import workflow_events as job_events
from servicing.models import Service, ServiceStatus
from servicing.services import service_complete, service_start
from servicing.tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db


def run_pending_events():
    """What the worker does after commit, run here in the test's transaction."""
    steps = []
    for pk in Event.objects.filter(processed_at__isnull=True).values_list("pk", flat=True):
        steps += workflows_run_for_event(event_id=pk)
    return steps


def test_install_default_workflows_is_idempotent_and_keeps_staff_edits():
    assert install_default_workflows() == len(default_workflows())
    Workflow.objects.filter(name="SMS when work starts").update(active=False)
    assert install_default_workflows() == 0
    assert Workflow.objects.count() == len(default_workflows())
    assert not Workflow.objects.get(name="SMS when work starts").active
    assert Group.objects.filter(name="Manager").exists()


def test_completing_a_job_writes_the_default_sms_pending_and_in_app_sent():
    install_default_workflows()
    service = ServiceFactory(status=ServiceStatus.IN_PROGRESS, cost=Decimal("4500"), vehicle__license_plate="KDB 456C")
    service_complete(service=service)
    run_pending_events()
    sms = Notification.objects.get(service=service, channel=NotificationType.SMS)
    in_app = Notification.objects.get(service=service, channel=NotificationType.IN_APP)
    assert sms.status == NotificationStatus.PENDING and sms.sent_at is None
    assert "KDB 456C" in sms.message and "KES 4,500.00" in sms.message
    assert sms.message.startswith(f"Hi {service.vehicle.client.first_name},")
    assert in_app.status == NotificationStatus.SENT and in_app.sent_at is not None


def test_an_event_runs_its_workflows_once_even_when_its_task_runs_twice():
    install_default_workflows()
    service = ServiceFactory()
    service_start(service=service)
    event = Event.objects.get(name=job_events.SERVICE_IN_PROGRESS)
    workflows_run_for_event(event_id=event.pk)
    assert workflows_run_for_event(event_id=event.pk) == []
    assert Notification.objects.filter(service=service).count() == 1


def test_inactive_workflows_do_not_run():
    Workflow.objects.create(name="off", trigger_event=job_events.SERVICE_IN_PROGRESS, active=False,
                            actions=[{"type": "send_notification", "channel": "SMS", "template": "x"}])
    service_start(service=ServiceFactory())
    run_pending_events()
    assert not Notification.objects.exists()


@pytest.mark.parametrize(("conditions", "runs"), [
    ({"service_type": "oil change"}, True),
    ({"service_type": "Brake Repair"}, False),
    ({"cost_above": 4000}, True),
    ({"cost_above": 4500}, False),
    ({"vehicle_make": "TOYOTA"}, True),
    ({"vehicle_make": "Subaru"}, False),
    ({"vehicle_make": "Toyota", "cost_above": 10000}, False),
])
def test_conditions(conditions, runs):
    Workflow.objects.create(name="c", trigger_event=job_events.SERVICE_IN_PROGRESS, actions=[
        {"type": "send_notification", "channel": "in_app", "template": "x", "conditions": conditions},
    ])
    service_start(service=ServiceFactory(service_type="Oil Change", cost=Decimal("4500"), vehicle__make="Toyota"))
    run_pending_events()
    assert Notification.objects.exists() is runs


def test_set_status_goes_through_the_lifecycle_and_emits_its_own_events():
    Workflow.objects.create(name="auto-start", trigger_event=job_events.SERVICE_CREATED,
                            actions=[{"type": "set_status", "status": "in_progress"}])
    service = ServiceFactory()
    run_pending_events()
    service.refresh_from_db()
    assert service.status == ServiceStatus.IN_PROGRESS
    assert Event.objects.filter(name=job_events.SERVICE_IN_PROGRESS, service=service).exists()


def test_set_status_refused_by_the_lifecycle_is_skipped_not_forced():
    Workflow.objects.create(name="reopen", trigger_event=job_events.SERVICE_COMPLETED,
                            actions=[{"type": "set_status", "status": "pending"}])
    service = ServiceFactory(status=ServiceStatus.IN_PROGRESS)
    service_complete(service=service)
    steps = run_pending_events()
    service.refresh_from_db()
    assert service.status == ServiceStatus.COMPLETED
    assert "final" in steps[0].skipped


def test_schedule_follow_up_books_a_pending_job_n_days_after_completion():
    install_default_workflows()
    Workflow.objects.filter(name="Book the next oil change in 90 days").update(active=True)
    service = ServiceFactory(status=ServiceStatus.IN_PROGRESS, service_type="Oil Change",
                             scheduled_date=datetime.date(2026, 1, 10))
    service_complete(service=service, completed_date=datetime.date(2026, 1, 12))
    run_pending_events()
    follow_up = Service.objects.exclude(pk=service.pk).get(vehicle=service.vehicle)
    assert follow_up.status == ServiceStatus.PENDING
    assert follow_up.scheduled_date == datetime.date(2026, 4, 12)
    assert follow_up.service_type == "Oil Change"
    # Booked through servicing's service like any other job: its own service_created event is written.
    assert Event.objects.filter(name=job_events.SERVICE_CREATED, service=follow_up).count() == 1


def test_notify_staff_writes_one_email_per_active_member_of_the_group():
    install_default_workflows()
    managers = Group.objects.get(name="Manager")
    active, inactive = UserFactory(), UserFactory(is_active=False)
    UserFactory()  # not a manager
    for user in (active, inactive):
        user.groups.add(managers)
    service = ServiceFactory(scheduled_date=datetime.date(2026, 1, 5))
    events.event_emit(name=job_events.SERVICE_OVERDUE, service=service)
    run_pending_events()
    escalation = Notification.objects.get(user__isnull=False)
    assert escalation.user == active and escalation.channel == NotificationType.EMAIL
    assert escalation.subject.startswith("Overdue: Oil Change")
    assert escalation.status == NotificationStatus.PENDING


def test_a_broken_workflow_does_not_stop_the_others():
    # A row written around validation (raw SQL, an old version): the engine survives it.
    Workflow.objects.create(name="broken", trigger_event=job_events.SERVICE_IN_PROGRESS,
                            actions=[{"type": "send_notification", "channel": "in_app"}])
    Workflow.objects.create(name="good", trigger_event=job_events.SERVICE_IN_PROGRESS,
                            actions=[{"type": "send_notification", "channel": "in_app", "template": "ok"}])
    service_start(service=ServiceFactory())
    run_pending_events()
    event = Event.objects.get(name=job_events.SERVICE_IN_PROGRESS)
    assert event.processed_at is not None
    assert event.payload["errors"] == ["broken: KeyError"]
    assert Notification.objects.get().message == "ok"


def test_a_status_link_is_issued_only_for_templates_that_use_it_and_never_in_a_dry_run():
    from clients.portal.models import PortalToken
    from concierge.workflows.engine import workflow_run

    install_default_workflows()  # the completed-job SMS uses {{ status_link }}, the in-app one does not
    service = ServiceFactory(status=ServiceStatus.IN_PROGRESS)
    workflow = Workflow.objects.get(name="SMS and in-app message when a job is completed")
    steps = workflow_run(workflow=workflow, trigger_event="service_completed", client=service.vehicle.client,
                         vehicle=service.vehicle, service=service, dry_run=True)
    assert "[status link, made when the message is sent]" in steps[0].detail
    assert not PortalToken.objects.exists()

    service_complete(service=service)
    run_pending_events()
    sms = Notification.objects.get(service=service, channel=NotificationType.SMS)
    assert "[status link]" in sms.message and "/s/" not in sms.message
    assert not PortalToken.objects.exists()  # made when the message is sent, not when it is written
    assert "/s/" in text_as_sent(sms)
    assert PortalToken.objects.get().service == service
    in_app = Notification.objects.get(service=service, channel=NotificationType.IN_APP)
    assert "/s/" not in in_app.message and "[status link]" not in in_app.message


def test_the_install_command_reports_what_it_did():
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("install_default_workflows", stdout=out)
    call_command("install_default_workflows", stdout=out)
    assert out.getvalue().splitlines() == [
        f"Default workflows: {len(default_workflows())} installed, 0 already there (left as staff set them).",
        f"Default workflows: 0 installed, {len(default_workflows())} already there (left as staff set them).",
    ]

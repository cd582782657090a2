"""Runs the workflows matching an event. Called by the `run_event_workflows` task, and by the admin's
dry run with `dry_run=True`, which renders every message and writes nothing."""

import dataclasses
import datetime
import logging
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from notifications.links import LinkKind
from notifications.models import NotificationType
from notifications.services import notification_create
from servicing.lifecycle import InvalidTransition
from servicing.models import Service, ServiceStatus
from servicing.services import service_change_status

from .models import Event, Workflow
from .templating import STATUS_LINK_PLACEHOLDER, context_for, placeholders_for, render

logger = logging.getLogger(__name__)


@dataclasses.dataclass
class Step:
    """What one action did (or, in a dry run, would do): shown in the preview and the logs."""

    workflow: str
    action: str
    detail: str
    skipped: str = ""


def conditions_hold(conditions, *, service, vehicle):
    if not conditions:
        return True
    if "service_type" in conditions and (service is None or service.service_type.casefold() != conditions["service_type"].casefold()):
        return False
    if "cost_above" in conditions and (service is None or service.cost <= Decimal(str(conditions["cost_above"]))):
        return False
    if "vehicle_make" in conditions and (vehicle is None or vehicle.make.casefold() != conditions["vehicle_make"].casefold()):
        return False
    return True


def _run_action(action, *, workflow, trigger_event, client, vehicle, service, dry_run):
    kind = action["type"]
    allowed = placeholders_for(trigger_event)
    context = context_for(client=client, vehicle=vehicle, service=service, dry_run=dry_run)
    if kind == "send_notification":
        message = render(action["template"], context, allowed=allowed)
        subject = render(action.get("subject", ""), context, allowed=allowed)
        message = _in_app_without_link(action["channel"], message)
        if not dry_run:
            notification_create(
                channel=action["channel"], message=message, subject=subject, client=client, vehicle=vehicle,
                service=service, marketing=action.get("marketing", False), link=_link_in(message),
            )
        return Step(workflow.name, kind, f"{action['channel']} to the client: {message}")
    if kind == "notify_staff":
        message = render(action["template"], context, allowed=allowed)
        subject = render(action.get("subject", ""), context, allowed=allowed)
        channel = action.get("channel", NotificationType.EMAIL)
        message = _in_app_without_link(channel, message)
        staff = get_user_model().objects.filter(groups__name=action["group"], is_active=True).distinct()
        if not dry_run:
            for user in staff:
                notification_create(channel=channel, message=message, subject=subject, user=user, service=service,
                                    vehicle=vehicle, link=_link_in(message))
        return Step(workflow.name, kind, f"{channel} to {len(staff)} member(s) of {action['group']}: {message}")
    if kind == "set_status":
        if dry_run:
            return Step(workflow.name, kind, f"set the job to {action['status']}")
        try:
            changed = service_change_status(service=service, status=action["status"])
        except InvalidTransition as exc:
            return Step(workflow.name, kind, f"set the job to {action['status']}", skipped=str(exc))
        if not changed:
            return Step(workflow.name, kind, f"set the job to {action['status']}",
                        skipped=f"The job is already {ServiceStatus(action['status']).label.lower()}.")
        return Step(workflow.name, kind, f"set the job to {action['status']}")
    if kind == "schedule_follow_up":
        base = service.completed_date or timezone.localdate()
        when = base + datetime.timedelta(days=action["after_days"])
        if not dry_run:
            # A booking like any other: its own service_created event follows.
            Service.objects.create(
                vehicle=service.vehicle, service_type=action["service_type"], status=ServiceStatus.PENDING,
                scheduled_date=when, description=action.get("description") or f"Follow-up to {service.service_type}",
            )
        return Step(workflow.name, kind, f"book {action['service_type']} on {when:%d %b %Y}")
    raise ValueError(f"unknown action type {kind!r}")  # the schema forbids this; a guard for old rows


def _link_in(message):
    return LinkKind.STATUS_LINK if STATUS_LINK_PLACEHOLDER in message else ""


def _in_app_without_link(channel, message):
    # In-app messages are read in the portal (or the admin) by someone signed in, each beside a link
    # to its job, and are never "sent" by a worker that could make a link: no token for them.
    if channel != NotificationType.IN_APP or STATUS_LINK_PLACEHOLDER not in message:
        return message
    return " ".join(message.replace(STATUS_LINK_PLACEHOLDER, "").split())


def workflow_run(*, workflow, trigger_event, client=None, vehicle=None, service=None, dry_run=False):
    steps = []
    for action in workflow.actions:
        if not conditions_hold(action.get("conditions"), service=service, vehicle=vehicle):
            steps.append(Step(workflow.name, action["type"], "", skipped="conditions do not hold"))
            continue
        steps.append(_run_action(
            action, workflow=workflow, trigger_event=trigger_event, client=client, vehicle=vehicle,
            service=service, dry_run=dry_run,
        ))
    return steps


def workflows_run_for_event(*, event_id):
    """Run every active workflow for one event, once: the event row is locked and stamped processed
    in the same transaction that writes the workflows' notifications."""
    with transaction.atomic():
        event = (
            Event.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("client", "vehicle", "service", "service__vehicle")
            .filter(pk=event_id, processed_at__isnull=True)
            .first()
        )
        if event is None:
            return []  # already handled, or another worker holds it
        steps = []
        for workflow in Workflow.objects.filter(trigger_event=event.name, active=True):
            try:
                # A savepoint per workflow: one broken workflow does not undo the others.
                with transaction.atomic():
                    steps += workflow_run(
                        workflow=workflow, trigger_event=event.name, client=event.client,
                        vehicle=event.vehicle, service=event.service,
                    )
            except Exception as exc:
                logger.exception("workflow %s failed on event %s", workflow.pk, event.pk)
                event.payload = {**event.payload, "errors": [*event.payload.get("errors", []), f"{workflow.name}: {type(exc).__name__}"]}
        event.processed_at = timezone.now()
        event.save(update_fields=["processed_at", "payload"])
    return steps

"""The event bus: named things that happened, recorded with the change and handled after commit.

`event_emit` is called from model-signal receivers (servicing/, fleet/, clients/ signals.py) and from
the beat task for time-based events. It writes an `Event` row in the caller's transaction and queues
the workflow run for after commit. The workflow engine reads only events, never the callers.
"""

from django.db import IntegrityError, transaction
from django.utils import timezone

from concierge.celery import enqueue_on_commit

from .models import Event, Workflow

SERVICE_CREATED = "service_created"
SERVICE_IN_PROGRESS = "service_in_progress"
SERVICE_COMPLETED = "service_completed"
SERVICE_CANCELLED = "service_cancelled"
SERVICE_STATUS_CHANGED = "service_status_changed"
SERVICE_DUE_TOMORROW = "service_due_tomorrow"
SERVICE_OVERDUE = "service_overdue"
VEHICLE_ADDED = "vehicle_added"
VEHICLE_MILEAGE_UPDATED = "vehicle_mileage_updated"
CLIENT_CREATED = "client_created"

# name → what staff see when choosing a workflow's trigger.
EVENTS = {
    SERVICE_CREATED: "A job was booked",
    SERVICE_IN_PROGRESS: "Work started on a job",
    SERVICE_COMPLETED: "A job was completed",
    SERVICE_CANCELLED: "A job was cancelled",
    SERVICE_STATUS_CHANGED: "A job changed status (any change)",
    SERVICE_DUE_TOMORROW: "A pending job is scheduled for tomorrow",
    SERVICE_OVERDUE: "A pending job's scheduled date has passed",
    VEHICLE_ADDED: "A car was added",
    VEHICLE_MILEAGE_UPDATED: "A car's mileage was updated",
    CLIENT_CREATED: "A client was registered",
}

# Events about one job: workflows on these can use every placeholder and every action.
SERVICE_EVENTS = frozenset(name for name in EVENTS if name.startswith("service_"))

# The specific event for each status a job can move to; the generic one is emitted too.
STATUS_EVENTS = {"in_progress": SERVICE_IN_PROGRESS, "completed": SERVICE_COMPLETED, "cancelled": SERVICE_CANCELLED}


def event_emit(*, name, service=None, vehicle=None, client=None, payload=None, dedupe_key=None):
    """Record `name` in the current transaction and run its workflows after commit.

    The subject's parents are filled in (a job's car and owner) so workflows can address the client.
    With `dedupe_key`, a second emit with the same key is a no-op and returns None.
    """
    if name not in EVENTS:
        raise ValueError(f"unknown event {name!r}")
    if service is not None and vehicle is None:
        vehicle = service.vehicle
    if vehicle is not None and client is None:
        client = vehicle.client
    # With no active workflow for it, the event is recorded as handled and no task is queued: most
    # saves (a status_changed nobody listens to) then cost one INSERT and no worker time.
    listened_to = Workflow.objects.filter(trigger_event=name, active=True).exists()
    event = Event(
        name=name, service=service, vehicle=vehicle, client=client,
        payload=payload or {}, dedupe_key=dedupe_key, processed_at=None if listened_to else timezone.now(),
    )
    if dedupe_key is None:
        event.save(force_insert=True)
    else:
        try:
            with transaction.atomic():
                event.save(force_insert=True)
        except IntegrityError:
            return None
    if listened_to:
        from .tasks import run_event_workflows

        enqueue_on_commit(run_event_workflows, str(event.pk))
    return event


def service_status_events_emit(*, service, old_status, new_status):
    """A job moved from old_status to new_status: the specific event, then the generic one."""
    payload = {"old_status": str(old_status), "new_status": str(new_status)}
    specific = STATUS_EVENTS.get(str(new_status))
    if specific:
        event_emit(name=specific, service=service, payload=payload)
    event_emit(name=SERVICE_STATUS_CHANGED, service=service, payload=payload)

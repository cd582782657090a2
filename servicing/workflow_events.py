"""Job events for the workflow engine: their names, the status events, the time-based events.

Registered with the engine from servicing.apps (servicing/workflow_actions.py); emitted through
concierge.workflows.events.event_emit, which records the event in the caller's transaction.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from concierge.workflows.events import event_emit
from concierge.workflows.models import Event

from .models import Service, ServiceStatus

SERVICE_CREATED = "service_created"
SERVICE_IN_PROGRESS = "service_in_progress"
SERVICE_COMPLETED = "service_completed"
SERVICE_CANCELLED = "service_cancelled"
SERVICE_STATUS_CHANGED = "service_status_changed"
SERVICE_DUE_TOMORROW = "service_due_tomorrow"
SERVICE_OVERDUE = "service_overdue"
SERVICE_COLLECTED = "service_collected"

# name → what staff see when choosing a workflow's trigger. All are about one job: workflows on them
# may use every placeholder and every action.
SERVICE_EVENTS = {
    SERVICE_CREATED: "A job was booked",
    SERVICE_IN_PROGRESS: "Work started on a job",
    SERVICE_COMPLETED: "A job was completed",
    SERVICE_CANCELLED: "A job was cancelled",
    SERVICE_STATUS_CHANGED: "A job changed status (any change)",
    SERVICE_DUE_TOMORROW: "A pending job is scheduled for tomorrow",
    SERVICE_OVERDUE: "A pending job's scheduled date has passed",
    SERVICE_COLLECTED: "The owner collected the car of a completed job",
}

# The specific event for each status a job can move to; the generic one is emitted too.
STATUS_EVENTS = {"in_progress": SERVICE_IN_PROGRESS, "completed": SERVICE_COMPLETED, "cancelled": SERVICE_CANCELLED}


def service_status_events_emit(*, service: Service, old_status: str, new_status: str) -> None:
    """A job moved from old_status to new_status: the specific event, then the generic one."""
    payload = {"old_status": str(old_status), "new_status": str(new_status)}
    specific = STATUS_EVENTS.get(str(new_status))
    if specific:
        event_emit(name=specific, service=service, payload=payload)
    event_emit(name=SERVICE_STATUS_CHANGED, service=service, payload=payload)


def time_based_events_fire(*, today: datetime.date | None = None) -> dict[str, int]:
    """Emit service_due_tomorrow and service_overdue for pending jobs, once per job and scheduled date.

    Safe on every beat tick: the dedupe key (event, job, date) makes a repeat a no-op; a job moved to
    another date can be reminded again for the new date.
    """
    today = today or timezone.localdate()
    tomorrow = today + datetime.timedelta(days=1)
    pending = Service.objects.filter(status=ServiceStatus.PENDING).select_related("vehicle__client")
    fired = {SERVICE_DUE_TOMORROW: 0, SERVICE_OVERDUE: 0}
    for name, jobs in (
        (SERVICE_DUE_TOMORROW, pending.filter(scheduled_date=tomorrow)),
        (SERVICE_OVERDUE, pending.filter(scheduled_date__lt=today)),
    ):
        already = set(Event.objects.filter(name=name, service__in=jobs).values_list("dedupe_key", flat=True))
        for service in jobs.iterator(chunk_size=500):
            scheduled = service.scheduled_date
            assert scheduled is not None  # both filters above compare it to a date: never NULL here
            key = f"{name}:{service.pk}:{scheduled.isoformat()}"
            if key in already:
                continue
            with transaction.atomic():
                if event_emit(name=name, service=service, dedupe_key=key,
                              payload={"scheduled_date": scheduled.isoformat()}):
                    fired[name] += 1
    return fired

"""The event bus: named things that happened, recorded with the change and handled after commit.

`event_emit` is called from model-signal receivers (servicing/, fleet/, clients/ signals.py) and from
the beat task for time-based events. It writes an `Event` row in the caller's transaction and queues
the workflow run for after commit. The workflow engine reads only events, never the callers.

Event names are the domain apps' (registered in their ready(): registry.py); this module knows none.

`event_recorded` is sent (sender Event, `event`) right after the row is written, in the same
transaction: other listeners to the same events (webhooks/) queue their own work in it, so a
rolled-back change leaves nothing of theirs either, and the platform imports none of them.
"""

from typing import Any

from django.db import IntegrityError, transaction
from django.dispatch import Signal
from django.utils import timezone

from concierge.celery import enqueue_on_commit

from .models import Event, Workflow
from .registry import registry

event_recorded = Signal()


def event_emit(
    *, name: str, service: Any = None, vehicle: Any = None, client: Any = None,
    payload: dict | None = None, dedupe_key: str | None = None,
) -> Event | None:
    """Record `name` in the current transaction and run its workflows after commit.

    The subject's parents are filled in (a job's car and owner, as their apps registered) so workflows
    can address the client. With `dedupe_key`, a second emit with the same key is a no-op and returns None.
    """
    registry.event(name)  # ValueError for a name no app registered
    subjects = registry.parents_fill({"job": service, "car": vehicle, "client": client})
    # With no active workflow for it, the event is recorded as handled and no task is queued: most
    # saves (a status_changed nobody listens to) then cost one INSERT and no worker time.
    listened_to = Workflow.objects.filter(trigger_event=name, active=True).exists()
    event = Event(
        name=name, service=subjects["job"], vehicle=subjects["car"], client=subjects["client"],
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
    event_recorded.send(sender=Event, event=event)
    if listened_to:
        from .tasks import run_event_workflows

        enqueue_on_commit(run_event_workflows, str(event.pk))
    return event


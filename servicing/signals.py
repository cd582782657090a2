"""What happens to a job, said by the service that does it (servicing/services.py), and turned here into
named workflow events (concierge/workflows/events.py). Nothing else happens here.

The signals are sent with the model as sender, inside the service's transaction, right after the write:
a receiver's writes (the Event row) commit or roll back with the change, and a receiver that raises
undoes it. Only the services send them: a plain Service.save() or a queryset .update() says nothing, so
every writer (admin, bulk actions, workflow actions, commands, test factories) goes through a service.

- service_created(service, by): a job was booked. Sent by service_create.
- service_status_changed(service, old_status, new_status, by): a job moved along its lifecycle. Sent by
  service_change_status under its row lock, once per real change (the status a job already has is no
  change: nothing written, nothing sent); `old_status` is read from the locked row, never from what the
  caller loaded.
- service_collected(service, collection, by): a completed job's car was handed back. Sent by
  service_mark_collected, once per job (pressing *Mark collected* again writes and sends nothing).

`by` is the acting user, or None for the system (a workflow action, the beat, a command).
"""

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.dispatch import Signal

from concierge.workflows import events

from . import workflow_events
from .models import Service, ServiceCollection, ServiceStatus

service_created = Signal()
service_status_changed = Signal()
service_collected = Signal()


def service_created_event(
    sender: type[Service], *, service: Service, by: AbstractBaseUser | None, **kwargs: Any,
) -> None:
    events.event_emit(name=workflow_events.SERVICE_CREATED, service=service)


def service_status_changed_events(
    sender: type[Service], *, service: Service, old_status: ServiceStatus, new_status: ServiceStatus,
    by: AbstractBaseUser | None, **kwargs: Any,
) -> None:
    workflow_events.service_status_events_emit(service=service, old_status=old_status, new_status=new_status)


def service_collected_event(
    sender: type[Service], *, service: Service, collection: ServiceCollection, by: AbstractBaseUser | None,
    **kwargs: Any,
) -> None:
    events.event_emit(
        name=workflow_events.SERVICE_COLLECTED, service=service,
        payload={"collected_at": collection.collected_at.isoformat()},
    )


def connect() -> None:
    service_created.connect(service_created_event, sender=Service, dispatch_uid="servicing.service_created_event")
    service_status_changed.connect(
        service_status_changed_events, sender=Service, dispatch_uid="servicing.service_status_changed_events",
    )
    service_collected.connect(service_collected_event, sender=Service, dispatch_uid="servicing.service_collected_event")

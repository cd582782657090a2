"""Receivers: every recorded event (the platform's event_recorded) queues its webhook deliveries."""

from typing import Any

from concierge.workflows.events import event_recorded
from concierge.workflows.models import Event

from .services import deliveries_queue_for_event


def _on_event_recorded(sender: Any, *, event: Event, **kwargs: Any) -> None:
    deliveries_queue_for_event(event=event)


def connect() -> None:
    event_recorded.connect(_on_event_recorded, sender=Event, dispatch_uid="webhooks.deliveries_for_event")

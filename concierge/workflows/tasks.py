"""Celery tasks for workflows: ids in, a service call. Redelivery is harmless: an event runs once."""

from celery import shared_task

from .engine import workflows_run_for_event
from .services import events_requeue_unprocessed


@shared_task(acks_late=True, ignore_result=True)
def run_event_workflows(event_id: str) -> int:
    return len(workflows_run_for_event(event_id=event_id))


@shared_task(ignore_result=True)
def sweep_events() -> int:
    return events_requeue_unprocessed()

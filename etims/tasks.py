"""Celery tasks for eTIMS: ids in, a service call, retries owned here."""

from typing import Any

from celery import Task, shared_task

from .services import transmission_send, transmissions_sweep


@shared_task(bind=True, acks_late=True, ignore_result=True, max_retries=None)
def send_transmission(self: Task[Any, Any], transmission_id: str) -> str:
    outcome = transmission_send(transmission_id=transmission_id)
    if outcome.retry_in is not None:
        # No limit: an issued invoice must reach KRA however long it is down. The row holds the
        # attempt count and the next time; if this retry is lost, the sweep queues the row again.
        raise self.retry(countdown=outcome.retry_in, max_retries=None)
    return outcome.state


@shared_task(ignore_result=True)
def sweep_transmissions() -> dict[str, int]:
    return transmissions_sweep()

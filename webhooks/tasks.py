"""Celery tasks for webhooks: ids in, a service call, retries owned here."""

from typing import Any

from celery import Task, shared_task
from django.conf import settings

from .services import deliveries_purge, deliveries_sweep, delivery_deliver


@shared_task(bind=True, acks_late=True, ignore_result=True, max_retries=None)
def deliver_webhook(self: Task[Any, Any], delivery_id: str) -> str:
    outcome = delivery_deliver(delivery_id=delivery_id)
    if outcome.retry_in is not None:
        # Bounded by WEBHOOKS_MAX_ATTEMPTS, counted on the row; the sweeper queues it if this is lost.
        raise self.retry(countdown=outcome.retry_in, max_retries=settings.WEBHOOKS_MAX_ATTEMPTS)
    return outcome.status


@shared_task(ignore_result=True)
def sweep_webhooks() -> dict[str, int]:
    return deliveries_sweep()


@shared_task(acks_late=True, ignore_result=True)
def purge_webhook_deliveries() -> int:
    """Nightly (beat): the delivery log's finished rows past WEBHOOKS_DELIVERY_LOG_DAYS."""
    return deliveries_purge()

"""Celery tasks for notifications: ids in, a service call, retries owned here."""

from typing import Any

from celery import Task, shared_task
from django.conf import settings

from .consent import inbound_messages_process_pending
from .delivery_reports import delivery_reports_process_pending
from .services import notification_deliver, notifications_requeue_stale


@shared_task(bind=True, acks_late=True, ignore_result=True, max_retries=None)
def deliver_notification(self: Task[Any, Any], notification_id: str) -> str:
    outcome = notification_deliver(notification_id=notification_id)
    if outcome.retry_in is not None:
        # Bounded by NOTIFICATION_MAX_ATTEMPTS, counted on the row (a retry survives a worker restart).
        raise self.retry(countdown=outcome.retry_in, max_retries=settings.NOTIFICATION_MAX_ATTEMPTS)
    return outcome.status


@shared_task(ignore_result=True)
def sweep_notifications() -> dict[str, int]:
    # Delivery reports are stored before they are applied: the sweep applies any whose processing failed.
    delivery_reports_process_pending()
    # Likewise incoming texts (STOP, START): stored first, processed here if that failed.
    inbound_messages_process_pending()
    return notifications_requeue_stale()

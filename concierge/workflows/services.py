"""Writes for the workflow side that are not the engine itself: the sweeper.

(Time-based events are servicing's: servicing/workflow_events.py.)"""

import datetime
import logging

from django.conf import settings
from django.utils import timezone

from concierge.celery import requeue_rows

from .models import Event

logger = logging.getLogger(__name__)


def events_requeue_unprocessed(*, limit: int = 1000) -> int:
    """Queue again events whose workflow run never happened (Redis was down at commit, worker lost)."""
    from .tasks import run_event_workflows

    now = timezone.now()
    cutoff = now - datetime.timedelta(seconds=settings.NOTIFICATION_SWEEP_AGE_SECONDS)
    stale = (
        Event.objects.filter(processed_at__isnull=True, created_at__lt=cutoff)
        .exclude(requeued_at__gt=cutoff)
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
    queued = requeue_rows(run_event_workflows, Event, stale, now=now)
    if queued:
        logger.info("event sweep: %d re-queued", queued)
    return queued

"""Writes for the workflow side that are not the engine itself: time-based events, the sweeper."""

import datetime
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from concierge.celery import requeue_rows
from servicing.models import Service, ServiceStatus

from . import events
from .models import Event

logger = logging.getLogger(__name__)


def time_based_events_fire(*, today=None):
    """Emit service_due_tomorrow and service_overdue for pending jobs, once per job and scheduled date.

    Safe on every beat tick: the dedupe key (event, job, date) makes a repeat a no-op; a job moved to
    another date can be reminded again for the new date.
    """
    today = today or timezone.localdate()
    tomorrow = today + datetime.timedelta(days=1)
    pending = Service.objects.filter(status=ServiceStatus.PENDING).select_related("vehicle__client")
    fired = {events.SERVICE_DUE_TOMORROW: 0, events.SERVICE_OVERDUE: 0}
    for name, jobs in (
        (events.SERVICE_DUE_TOMORROW, pending.filter(scheduled_date=tomorrow)),
        (events.SERVICE_OVERDUE, pending.filter(scheduled_date__lt=today)),
    ):
        already = set(Event.objects.filter(name=name, service__in=jobs).values_list("dedupe_key", flat=True))
        for service in jobs.iterator(chunk_size=500):
            key = f"{name}:{service.pk}:{service.scheduled_date.isoformat()}"
            if key in already:
                continue
            with transaction.atomic():
                if events.event_emit(name=name, service=service, dedupe_key=key,
                                     payload={"scheduled_date": service.scheduled_date.isoformat()}):
                    fired[name] += 1
    return fired


def events_requeue_unprocessed(*, limit=1000):
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

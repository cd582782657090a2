from typing import Any

from celery import shared_task
from django.conf import settings

from .services import partitions_create_ahead, retention_purge


@shared_task(acks_late=True)
def purge_expired_records() -> dict[str, Any]:
    """Nightly (beat): notifications and audit rows past the retention period (expired months dropped)."""
    return retention_purge(months=settings.AUDIT_RETENTION_MONTHS, batch_size=settings.AUDIT_RETENTION_BATCH_SIZE)


@shared_task(acks_late=True, autoretry_for=(Exception,), max_retries=5, retry_backoff=300)
def create_upcoming_partitions() -> dict[str, list[str]]:
    """Daily (beat): the monthly partitions of notifications and audit_logs up to PARTITIONS_MONTHS_AHEAD
    months ahead. Retried (from 5 minutes, doubling) when a lock_timeout gave way to a long query."""
    return partitions_create_ahead(months_ahead=settings.PARTITIONS_MONTHS_AHEAD)

from celery import shared_task
from django.conf import settings

from .services import retention_purge


@shared_task(acks_late=True)
def purge_expired_records():
    """Nightly (beat): notifications and audit rows past the retention period, in batches."""
    return retention_purge(months=settings.AUDIT_RETENTION_MONTHS, batch_size=settings.AUDIT_RETENTION_BATCH_SIZE)

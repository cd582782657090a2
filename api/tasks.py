"""Celery tasks of the api app: thin, a service call each."""

from celery import shared_task

from .services import api_records_purge


@shared_task(acks_late=True, ignore_result=True)
def purge_api_records() -> tuple[int, int]:
    """Nightly (beat): request-log lines and Idempotency-Key records past their keeping time."""
    return api_records_purge()

import time

from celery import shared_task
from django.core.cache import cache

from .checks import HEARTBEAT_KEY


@shared_task(ignore_result=True)
def worker_heartbeat() -> None:
    """Beat sends it every HEALTH_HEARTBEAT_INTERVAL seconds; the worker that runs it stamps the time.
    Expires after an hour, so a long-dead worker leaves no key behind."""
    cache.set(HEARTBEAT_KEY, time.time(), timeout=3600)

"""The baseline task for `make bench-notifications`: does nothing, so its rate is Celery + Redis alone."""

from celery import shared_task


@shared_task(ignore_result=True, acks_late=True)
def noop(marker=None):
    if marker:
        # The last task of the run leaves a marker, so the benchmark knows the worker is through.
        from django.core.cache import cache

        cache.set(marker, 1, 600)

"""Celery tasks for jobs: thin, a service call each."""

from celery import shared_task

from .workflow_events import time_based_events_fire


@shared_task(ignore_result=True)
def fire_time_based_events() -> dict[str, int]:
    return time_based_events_fire()

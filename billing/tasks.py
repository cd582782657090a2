"""Celery tasks for billing: thin, a service call each."""

from celery import shared_task

from .workflow_events import declined_work_due_fire


@shared_task(ignore_result=True)
def fire_declined_work_due() -> int:
    return declined_work_due_fire()

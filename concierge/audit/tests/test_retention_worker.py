"""The partition and retention beat tasks through a real Celery worker and the real Redis broker, as beat sends them."""

import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.utils import timezone

from concierge.audit.tasks import create_upcoming_partitions, purge_expired_records
from concierge.celery import app
from concierge.db.partitions import add_months, list_partitions, month_start
from concierge.db.roles import owner_psycopg_connection
from notifications.models import Notification
from notifications.tests.factories import NotificationFactory

from .test_retention import age

pytestmark = pytest.mark.django_db(transaction=True)


def wait_for(condition, seconds=30):
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.2)
    return condition()


def months(table):
    return {p.start for p in list_partitions(table) if not p.is_default}


def test_a_worker_runs_the_beat_task_and_purges_expired_notifications():
    expired, recent = NotificationFactory(), NotificationFactory()
    age("notifications", "created_at", [expired.pk], days=800)
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        purge_expired_records.delay()
        assert wait_for(lambda: not Notification.objects.filter(pk=expired.pk).exists())
    assert Notification.objects.filter(pk=recent.pk).exists()


def test_a_worker_runs_the_beat_task_and_makes_the_months_ahead(settings):
    settings.PARTITIONS_MONTHS_AHEAD = 3
    furthest = add_months(month_start(timezone.now()), 3)
    # As if beat had been down for a while: the last two months ahead are missing. Dropping them is
    # the owner's to do; the worker makes them again as the application role, through the owner's function.
    with owner_psycopg_connection() as owner:
        for table in ("notifications", "audit_logs"):
            for partition in list_partitions(table):
                if not partition.is_default and partition.start >= add_months(furthest, -1):
                    owner.execute(f'ALTER TABLE "{table}" DETACH PARTITION "{partition.name}"')
                    owner.execute(f'DROP TABLE "{partition.name}"')
    assert furthest not in months("notifications")

    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        create_upcoming_partitions.delay()
        assert wait_for(lambda: furthest in months("notifications") and furthest in months("audit_logs"))
    assert add_months(furthest, -1) in months("notifications") and add_months(furthest, -1) in months("audit_logs")
    assert add_months(furthest, 1) not in months("notifications")

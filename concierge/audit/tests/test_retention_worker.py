"""The retention task through a real Celery worker and the real Redis broker, as beat sends it."""

import time

import pytest
from celery.contrib.testing.worker import start_worker

from concierge.audit.tasks import purge_expired_records
from concierge.celery import app
from notifications.models import Notification
from notifications.tests.factories import NotificationFactory

from .test_retention import age

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_worker_runs_the_beat_task_and_purges_expired_notifications(settings):
    expired, recent = NotificationFactory(), NotificationFactory()
    age("notifications", "sent_at", [expired.pk], days=800)
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        purge_expired_records.delay()
        deadline = time.monotonic() + 30
        while Notification.objects.filter(pk=expired.pk).exists() and time.monotonic() < deadline:
            time.sleep(0.2)
    assert not Notification.objects.filter(pk=expired.pk).exists()
    assert Notification.objects.filter(pk=recent.pk).exists()

"""The Celery settings delivery relies on: late acks, requeue on worker loss, one task at a time per
process, a visibility timeout above the longest retry delay, bounded retries, beat's sweepers."""

import subprocess
import sys

from django.conf import settings

from concierge.celery import app
from notifications.tasks import deliver_notification
from concierge.processes import BASE_DIR


def test_tasks_are_acknowledged_late_and_requeued_when_their_worker_dies():
    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    assert app.conf.worker_prefetch_multiplier == 1
    assert deliver_notification.acks_late is True


def test_redis_does_not_redeliver_a_retry_that_is_only_waiting():
    assert app.conf.broker_transport_options["visibility_timeout"] > settings.NOTIFICATION_RETRY_CAP_SECONDS


def test_retries_are_bounded():
    assert app.conf.task_annotations["*"]["max_retries"] == 5
    assert settings.NOTIFICATION_MAX_ATTEMPTS >= 1


def test_beat_runs_the_sweepers_and_the_time_based_events():
    tasks = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert {
        "notifications.tasks.sweep_notifications",
        "concierge.workflows.tasks.sweep_events",
        "servicing.tasks.fire_time_based_events",
    } <= tasks


def test_settings_refuse_a_visibility_timeout_below_the_retry_cap():
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"], cwd=BASE_DIR, capture_output=True, text=True,
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "concierge.settings.test",
             "CELERY_VISIBILITY_TIMEOUT": "300", "NOTIFICATION_RETRY_CAP_SECONDS": "600",
             "DATABASE_URL": "postgres://x@localhost/x", "REDIS_URL": "redis://localhost:6379/0"},
    )
    assert result.returncode != 0
    assert "CELERY_VISIBILITY_TIMEOUT must exceed NOTIFICATION_RETRY_CAP_SECONDS" in result.stderr

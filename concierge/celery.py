import logging
import os

from celery import Celery

# A server started without DJANGO_SETTINGS_MODULE runs production, which refuses to start without
# its secrets; only manage.py and `make run` default to the development settings.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "concierge.settings.production")

app = Celery("concierge")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

logger = logging.getLogger(__name__)


def enqueue_on_commit(task, *args):
    """Queue `task(*args)` once the current transaction commits; nothing if it rolls back.

    The one way code here starts a task. Publishing is not retried: if Redis is down the row the
    task is about stays in the database (pending notification, unprocessed event) and the beat
    sweeper queues it again, so the change itself never fails because of the broker.
    """
    from django.db import transaction

    transaction.on_commit(lambda: enqueue_now_rollback_unsafe(task, *args))


def enqueue_now_rollback_unsafe(task, *args):
    """Queue at once, without waiting for a commit: for the sweeper and callers outside a transaction."""
    try:
        task.apply_async(args=args, retry=False)
        return True
    except Exception as exc:  # kombu raises a family of connection errors; all mean "later"
        logger.warning("could not queue %s (%s); the sweeper will retry", task.name, type(exc).__name__)
        return False


def requeue_rows(task, model, pks, *, now):
    """Sweepers: queue `task(pk)` for each row in order, stopping at the first the broker refuses
    (the next sweep tries again), and stamp `requeued_at` on those queued. Returns how many."""
    queued = []
    for pk in pks:
        if not enqueue_now_rollback_unsafe(task, str(pk)):
            break
        queued.append(pk)
    model.objects.filter(pk__in=queued).update(requeued_at=now)
    return len(queued)

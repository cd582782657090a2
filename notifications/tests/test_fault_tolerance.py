"""Nothing lost, nothing twice: a real worker and beat, a Redis that goes away, a worker killed with
SIGKILL, a provider failing 30% of requests. Each ends with every notification `sent` or `failed`
with a reason, none `pending`, and no text message accepted twice by the provider."""

import collections
import re

import pytest
import redis
from django.utils import timezone

from concierge.workflows.defaults import install_default_workflows
from concierge.workflows.models import Event
from notifications.models import Notification, NotificationStatus, NotificationType
from notifications.tests.harness import wait_until
from servicing.models import Service, ServiceStatus
from servicing.services import service_complete
from servicing.tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db(transaction=True)
JOBS = 200


@pytest.fixture
def jobs(redis_server):
    """200 jobs in progress, with the events of their creation already handled and the queue empty."""
    install_default_workflows()
    services = ServiceFactory.create_batch(JOBS, status=ServiceStatus.IN_PROGRESS)
    Event.objects.update(processed_at=timezone.now())
    redis.Redis(unix_socket_path=str(redis_server.socket)).flushall()
    return services


def plates_in(forms):
    return collections.Counter(re.search(r"\(([^)]+)\) is ready", form["message"]).group(1) for form in forms)


def settled():
    return not Notification.objects.filter(status=NotificationStatus.PENDING).exists() and \
        Notification.objects.filter(channel=NotificationType.SMS).count() == JOBS and \
        not Event.objects.filter(processed_at__isnull=True).exists()


def assert_nothing_lost_nothing_twice(sms_provider, *, allow_interrupted=0):
    by_status = collections.Counter(Notification.objects.values_list("channel", "status"))
    assert by_status[(NotificationType.IN_APP, NotificationStatus.SENT)] == JOBS
    assert not Notification.objects.filter(status=NotificationStatus.PENDING).exists()
    failed = Notification.objects.filter(status=NotificationStatus.FAILED)
    assert all(n.error for n in failed), "a failure without its reason"
    assert failed.count() <= allow_interrupted
    sent = Notification.objects.filter(channel=NotificationType.SMS, status=NotificationStatus.SENT).count()
    assert sent + failed.count() == JOBS
    accepted = plates_in(sms_provider.accepted)
    assert max(accepted.values()) == 1, "a text message went out twice"
    assert len(accepted) >= sent
    return {"sent": sent, "failed": failed.count(), "provider_accepted": sum(accepted.values())}


def test_redis_down_while_200_jobs_change_status_loses_nothing_and_duplicates_nothing(
    jobs, redis_server, start_celery, sms_provider,
):
    start_celery("worker")
    start_celery("beat")
    redis_server.stop()
    for service in jobs:
        service_complete(service=service)  # commits although the broker is gone
    assert Service.objects.filter(status=ServiceStatus.COMPLETED).count() == JOBS
    assert Event.objects.filter(processed_at__isnull=True).count() == JOBS  # service_completed; status_changed has no workflow
    redis_server.start()
    assert wait_until(settled, timeout=180, interval=1)
    assert_nothing_lost_nothing_twice(sms_provider)


def test_a_worker_killed_mid_burst_loses_nothing_and_duplicates_nothing(jobs, start_celery, sms_provider):
    sms_provider.latency = 0.05  # the kill is then likely to land while a text is on its way
    worker = start_celery("worker")
    start_celery("beat")
    for service in jobs:
        service_complete(service=service)
    assert wait_until(lambda: len(sms_provider.accepted) >= 40, timeout=90, interval=0.05)
    worker.kill()
    killed_at = len(sms_provider.accepted)
    start_celery("worker")
    assert wait_until(settled, timeout=180, interval=1)
    # At most the one notification the solo worker held when killed can end "interrupted": failed
    # with that reason rather than risk a second text.
    result = assert_nothing_lost_nothing_twice(sms_provider, allow_interrupted=1)
    for notification in Notification.objects.filter(status=NotificationStatus.FAILED):
        assert "worker lost" in notification.error
    assert killed_at < JOBS
    print(f"killed after {killed_at} texts; final {result}")


def test_a_provider_failing_30_percent_of_requests_leaves_nothing_pending_and_nothing_twice(
    jobs, start_celery, sms_provider,
):
    sms_provider.failure_rate = 0.3
    start_celery("worker")
    start_celery("beat")
    for service in jobs:
        service_complete(service=service)
    assert wait_until(settled, timeout=240, interval=1)
    # 8 attempts at 30% failure: a give-up is possible (0.3^8 each) and must carry its reason.
    result = assert_nothing_lost_nothing_twice(sms_provider, allow_interrupted=JOBS)
    failures = [n.error for n in Notification.objects.filter(status=NotificationStatus.FAILED)]
    assert all(e.startswith("gave up after 8 attempts") for e in failures)
    assert len(sms_provider.requests) > JOBS  # the failures were retried
    print(f"requests {len(sms_provider.requests)}; final {result}")

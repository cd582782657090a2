"""Nothing twice, and every row true: a real worker and beat, a Redis that goes away, a worker killed
with SIGKILL mid-send, and a fake Africa's Talking that fails, hangs, drops connections or refuses
them. Each ends with every notification `sent` (the provider took it), `failed` (it provably did not)
or `failed` + delivery_uncertain (the answer was lost), none `pending`, no text taken twice.

Each test prints a FAULT FIGURES line; `make measure-notification-faults` runs them all and
docs/notifications.md quotes the figures."""

import collections
import re

import pytest
import redis
from django.utils import timezone

from concierge.workflows.defaults import install_default_workflows
from concierge.workflows.models import Event
from notifications.models import Notification, NotificationStatus, NotificationType
from notifications.tests.fake_provider import FakeAfricasTalking
from concierge.processes import wait_until
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


def tally(sms_provider, fault):
    """The figures docs/notifications.md reports, from the rows and what the provider took.

    lost: jobs whose text the provider never took; duplicated: texts beyond one per job; disagree:
    rows `sent` whose text the provider does not have, or `failed` (not uncertain) whose text it has;
    uncertain: rows left `failed` + delivery_uncertain for a person to decide on.
    """
    accepted = plates_in(sms_provider.accepted)
    rows = list(Notification.objects.filter(channel=NotificationType.SMS).select_related("vehicle"))
    disagree = [
        n for n in rows
        if (n.status == NotificationStatus.SENT and not accepted[n.vehicle.license_plate])
        or (n.status == NotificationStatus.FAILED and not n.delivery_uncertain and accepted[n.vehicle.license_plate])
    ]
    figures = {
        "fault": fault, "jobs": JOBS, "requests": len(sms_provider.requests),
        "lost": sum(1 for n in rows if not accepted[n.vehicle.license_plate]),
        "duplicated": sum(count - 1 for count in accepted.values()),
        "disagree": len(disagree),
        "uncertain": sum(1 for n in rows if n.delivery_uncertain),
        "failed": sum(1 for n in rows if n.status == NotificationStatus.FAILED and not n.delivery_uncertain),
    }
    print("\nFAULT FIGURES " + " ".join(f"{k}={v}" for k, v in figures.items()))
    return figures


def assert_the_rows_tell_the_truth(sms_provider, fault):
    """No text twice, no row that says other than what the provider knows, nothing pending, every
    failure with its reason, and any text lost is on a row flagged uncertain (staff see it)."""
    by_status = collections.Counter(Notification.objects.values_list("channel", "status"))
    assert by_status[(NotificationType.IN_APP, NotificationStatus.SENT)] == JOBS
    assert not Notification.objects.filter(status=NotificationStatus.PENDING).exists()
    assert Notification.objects.filter(channel=NotificationType.SMS).count() == JOBS
    failed = Notification.objects.filter(status=NotificationStatus.FAILED)
    assert all(n.error for n in failed), "a failure without its reason"
    assert all(n.error.startswith("delivery uncertain: ") for n in failed.filter(delivery_uncertain=True))
    figures = tally(sms_provider, fault)
    assert figures["duplicated"] == 0, "a text message went out twice"
    assert figures["disagree"] == 0, "a row's status disagrees with the provider"
    return figures


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
    assert wait_until(settled, timeout=300, interval=1)
    figures = assert_the_rows_tell_the_truth(sms_provider, "redis down")
    assert figures["lost"] == figures["uncertain"] == figures["failed"] == 0


def test_a_worker_killed_mid_send_leaves_that_row_uncertain_and_every_other_row_true(start_celery, worker_env, jobs):
    """SIGKILL while the worker is inside a request the provider has taken (the 41st): the kill lands
    mid-send every run, not by luck of timing."""
    with FakeAfricasTalking(hold_request=41) as provider:
        worker = start_celery("worker", AFRICASTALKING_BASE_URL=provider.base_url)
        start_celery("beat", AFRICASTALKING_BASE_URL=provider.base_url)
        for service in jobs:
            service_complete(service=service)
        assert provider.held.wait(90)
        worker.kill()
        provider.release()
        start_celery("worker", AFRICASTALKING_BASE_URL=provider.base_url)
        assert wait_until(settled, timeout=300, interval=1)
        figures = assert_the_rows_tell_the_truth(provider, "worker SIGKILL mid-send")
    [held] = Notification.objects.filter(delivery_uncertain=True)
    assert held.status == NotificationStatus.FAILED and "the worker was lost while sending it" in held.error
    assert figures["lost"] == 0 and figures["uncertain"] == 1  # the provider had the held text


def burst_under_fault(jobs, start_celery, sms_provider, fault, **worker_settings):
    """Every job completed at once (each texts its owner) through a worker and beat, until all settled;
    then the rows checked against what the provider received. Returns the figures."""
    start_celery("worker", **worker_settings)
    start_celery("beat")
    for service in jobs:
        service_complete(service=service)
    assert wait_until(settled, timeout=300, interval=1)
    return assert_the_rows_tell_the_truth(sms_provider, fault)


def test_a_provider_failing_30_percent_of_requests_leaves_nothing_pending_and_nothing_twice(
    jobs, start_celery, sms_provider,
):
    sms_provider.failure_rate = 0.3
    figures = burst_under_fault(jobs, start_celery, sms_provider, "HTTP 500 on 30%")
    # 8 attempts at 30% failure: a give-up is possible (0.3^8 each) and must carry its reason.
    failures = [n.error for n in Notification.objects.filter(status=NotificationStatus.FAILED)]
    assert all(e.startswith("gave up after 8 attempts") for e in failures)
    assert len(sms_provider.requests) > JOBS  # the failures were retried
    assert figures["uncertain"] == 0  # an answer that says "not taken" is never uncertain


def test_a_provider_hanging_on_10_percent_of_requests_texts_nobody_twice(jobs, start_celery, sms_provider):
    """The provider takes the text, then answers after the client's timeout: the answer is lost."""
    sms_provider.hang_rate, sms_provider.hang_seconds = 0.1, 2
    figures = burst_under_fault(jobs, start_celery, sms_provider, "hang on 10%", AFRICASTALKING_TIMEOUT=1)
    assert figures["uncertain"] == sms_provider.faults["hung"] > 0
    assert figures["lost"] == 0 and len(sms_provider.requests) == JOBS  # none sent again


def test_a_provider_dropping_10_percent_of_connections_after_the_request_texts_nobody_twice(
    jobs, start_celery, sms_provider,
):
    sms_provider.drop_rate = 0.1
    figures = burst_under_fault(jobs, start_celery, sms_provider, "connection dropped on 10%")
    assert figures["uncertain"] == sms_provider.faults["dropped"] > 0
    assert figures["lost"] == 0 and len(sms_provider.requests) == JOBS


def test_a_provider_refusing_connections_for_a_while_loses_nothing_and_leaves_nothing_uncertain(
    jobs, start_celery, sms_provider,
):
    # Enough attempts to outlast the outage: each refused attempt provably sent nothing, and is retried.
    start_celery("worker", NOTIFICATION_MAX_ATTEMPTS=40)
    start_celery("beat")
    sms_provider.refuse()
    for service in jobs:
        service_complete(service=service)
    refused = Notification.objects.filter(channel=NotificationType.SMS, error__contains="not reached")
    assert wait_until(lambda: refused.count() >= JOBS // 2, timeout=120, interval=0.5)
    down_for = refused.count()
    sms_provider.resume()
    assert wait_until(settled, timeout=300, interval=1)
    figures = assert_the_rows_tell_the_truth(sms_provider, f"connection refused until {down_for} texts had been refused")
    assert figures["uncertain"] == 0 and figures["lost"] == figures["failed"] == 0
    assert len(sms_provider.requests) == JOBS  # nothing reached the provider while it refused

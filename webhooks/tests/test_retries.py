"""Retries with backoff on network errors, timeouts, 408, 429 and 5xx; other answers are final."""

import datetime

import pytest
from django.utils import timezone

from servicing.services import service_start
from servicing.tests.factories import ServiceFactory
from webhooks.models import Delivery, DeliveryState
from webhooks.services import delivery_deliver, retry_delay

pytestmark = pytest.mark.django_db


def a_delivery(receiver, endpoint_for) -> Delivery:
    endpoint = endpoint_for(receiver)
    service_start(service=ServiceFactory())
    return Delivery.objects.get(endpoint=endpoint)


def test_a_500_is_retried_after_a_backoff_and_then_delivered(receiver, endpoint_for):
    receiver.statuses = [500]
    delivery = a_delivery(receiver, endpoint_for)
    now = timezone.now()

    outcome = delivery_deliver(delivery_id=delivery.pk, now=now)
    assert outcome.status == "retry" and 15 <= outcome.retry_in <= 30  # base 30 s, first attempt: 15-30 s
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.PENDING and delivery.response_code == 500 and delivery.attempts == 1
    assert delivery.next_attempt_at == now + datetime.timedelta(seconds=outcome.retry_in)
    assert "HTTP 500" in delivery.last_error

    # Not before its time: a task run early (or the sweeper) finds nothing due.
    assert delivery_deliver(delivery_id=delivery.pk, now=now + datetime.timedelta(seconds=1)).status == "skipped"
    assert delivery_deliver(delivery_id=delivery.pk, now=delivery.next_attempt_at).status == "delivered"

    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.DELIVERED and delivery.attempts == 2 and delivery.response_code == 200
    assert delivery.last_error == ""
    assert [r["verified"] for r in receiver.requests] == [True, True]
    # Each attempt is signed afresh; the event id is the same.
    assert len({r["headers"]["x-concierge-event-id"] for r in receiver.requests}) == 1


@pytest.mark.parametrize("status", [408, 429, 502, 503])
def test_408_429_and_5xx_are_retried(receiver, endpoint_for, status):
    receiver.statuses = [status]
    delivery = a_delivery(receiver, endpoint_for)
    assert delivery_deliver(delivery_id=delivery.pk).status == "retry"


@pytest.mark.parametrize("status", [400, 401, 404, 410, 301])
def test_other_4xx_and_redirects_are_final_failures_not_retried(receiver, endpoint_for, status):
    receiver.statuses = [status]
    delivery = a_delivery(receiver, endpoint_for)
    assert delivery_deliver(delivery_id=delivery.pk).status == "failed"
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.FAILED and delivery.response_code == status
    assert delivery.next_attempt_at is None
    later = timezone.now() + datetime.timedelta(days=1)
    assert delivery_deliver(delivery_id=delivery.pk, now=later).status == "skipped"
    assert len(receiver.requests) == 1


def test_a_refused_connection_is_retried(receiver, endpoint_for):
    delivery = a_delivery(receiver, endpoint_for)
    receiver.refuse()
    assert delivery_deliver(delivery_id=delivery.pk).status == "retry"
    delivery.refresh_from_db()
    assert delivery.response_code is None and "could not connect" in delivery.last_error


def test_no_answer_within_the_timeout_is_retried(receiver, endpoint_for, settings):
    settings.WEBHOOKS_TIMEOUT_SECONDS = 0.5
    receiver.hang.set()
    delivery = a_delivery(receiver, endpoint_for)
    assert delivery_deliver(delivery_id=delivery.pk).status == "retry"
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.PENDING and "no answer within 0.5 s" in delivery.last_error


def test_it_gives_up_after_the_last_attempt(receiver, endpoint_for, settings):
    settings.WEBHOOKS_MAX_ATTEMPTS = 2
    receiver.default = 503
    delivery = a_delivery(receiver, endpoint_for)
    now = timezone.now()
    assert delivery_deliver(delivery_id=delivery.pk, now=now).status == "retry"
    delivery.refresh_from_db()
    assert delivery_deliver(delivery_id=delivery.pk, now=delivery.next_attempt_at).status == "failed"
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.FAILED and delivery.last_error.startswith("gave up after 2 attempts")


def test_the_backoff_doubles_up_to_its_cap(settings):
    settings.WEBHOOKS_RETRY_BASE_SECONDS, settings.WEBHOOKS_RETRY_CAP_SECONDS = 30, 1800
    assert 15 <= retry_delay(1) <= 30
    assert 60 <= retry_delay(3) <= 120
    assert 900 <= retry_delay(12) <= 1800

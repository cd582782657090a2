"""An endpoint that has only failed for a day is paused and the managers are told; its deliveries
wait (held) until a manager resumes it."""

import datetime

import pytest
from django.utils import timezone

from concierge.accounts.roles import FRONT_DESK, MANAGER
from concierge.accounts.tests.factories import staff_in_role
from notifications.models import Notification, NotificationType
from servicing.services import service_cancel, service_start
from servicing.tests.factories import ServiceFactory
from webhooks.models import Delivery, DeliveryState, Endpoint, EndpointState
from webhooks.services import deliveries_sweep, delivery_deliver, endpoint_resume

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def a_status_change(endpoint: Endpoint) -> Delivery:
    before = set(Delivery.objects.filter(endpoint=endpoint).values_list("pk", flat=True))
    service_start(service=ServiceFactory())
    return Delivery.objects.filter(endpoint=endpoint).exclude(pk__in=before).get()


def test_an_endpoint_failing_for_a_day_is_paused_and_the_managers_are_told(receiver, endpoint_for):
    manager = staff_in_role(MANAGER, email="manager@ndegwa.example")
    front_desk = staff_in_role(FRONT_DESK)
    receiver.default = 500
    endpoint = endpoint_for(receiver, name="Accounting connector")
    t0 = timezone.now()

    first = a_status_change(endpoint)
    assert delivery_deliver(delivery_id=first.pk, now=t0).status == "retry"
    endpoint.refresh_from_db()
    assert endpoint.failing_since == t0 and endpoint.state == EndpointState.ACTIVE

    # Failing, but not for a day yet: still active.
    second = a_status_change(endpoint)
    # (A day on, the receiver refuses the stale-looking timestamp: a 400, a failure all the same.)
    delivery_deliver(delivery_id=second.pk, now=t0 + DAY - datetime.timedelta(minutes=1))
    assert Endpoint.objects.get(pk=endpoint.pk).state == EndpointState.ACTIVE

    third = a_status_change(endpoint)
    delivery_deliver(delivery_id=third.pk, now=t0 + DAY + datetime.timedelta(minutes=1))
    endpoint.refresh_from_db()
    assert endpoint.state == EndpointState.PAUSED and "failed for 24 hours" in endpoint.paused_reason

    told = Notification.objects.filter(user=manager)
    assert {n.channel for n in told} == {NotificationType.IN_APP, NotificationType.EMAIL}
    assert all("Accounting connector" in n.subject and receiver.url not in n.message for n in told)
    assert not Notification.objects.filter(user=front_desk).exists()

    # Waiting retries and new events are held, not sent.
    assert Delivery.objects.get(pk=first.pk).state == DeliveryState.HELD
    fourth = a_status_change(endpoint)
    assert fourth.state == DeliveryState.HELD
    sent = len(receiver.requests)
    assert delivery_deliver(delivery_id=fourth.pk).status == "skipped"
    assert len(receiver.requests) == sent

    # A second failure report does not tell the managers again.
    deliveries_sweep(now=t0 + 2 * DAY)
    assert told.count() == 2


def test_resuming_sends_the_held_deliveries(receiver, endpoint_for, settings):
    settings.WEBHOOKS_PAUSE_AFTER_SECONDS = 60
    receiver.default = 500
    endpoint = endpoint_for(receiver)
    retrying = a_status_change(endpoint)
    assert delivery_deliver(delivery_id=retrying.pk).status == "retry"
    # With no attempt since, the sweeper pauses it once the period is over.
    assert deliveries_sweep(now=timezone.now() + datetime.timedelta(minutes=2))["paused"] == 1
    assert Delivery.objects.get(pk=retrying.pk).state == DeliveryState.HELD
    held = a_status_change(endpoint)
    assert held.state == DeliveryState.HELD

    receiver.default = 200
    assert endpoint_resume(endpoint=endpoint) == 2
    endpoint.refresh_from_db()
    assert endpoint.state == EndpointState.ACTIVE and endpoint.failing_since is None
    assert delivery_deliver(delivery_id=held.pk).status == "delivered"
    assert endpoint_resume(endpoint=endpoint) is None  # not paused: nothing to do


def test_a_success_ends_the_failing_period(receiver, endpoint_for):
    receiver.statuses = [500]
    endpoint = endpoint_for(receiver)
    t0 = timezone.now()
    delivery_deliver(delivery_id=a_status_change(endpoint).pk, now=t0)
    assert Endpoint.objects.get(pk=endpoint.pk).failing_since == t0
    delivery_deliver(delivery_id=a_status_change(endpoint).pk)
    endpoint.refresh_from_db()
    assert endpoint.failing_since is None and endpoint.last_success_at is not None
    assert deliveries_sweep(now=t0 + 2 * DAY)["paused"] == 0


def test_a_paused_endpoint_holds_a_cancelled_jobs_event_too(receiver, endpoint_for):
    endpoint = endpoint_for(receiver, events=["service_cancelled"])
    Endpoint.objects.filter(pk=endpoint.pk).update(state=EndpointState.PAUSED)
    service_cancel(service=ServiceFactory())
    assert Delivery.objects.get(endpoint=endpoint).state == DeliveryState.HELD

"""Never sent twice on our side: a repeated task, two at once, two workers; a worker lost mid-send
leaves the delivery uncertain, for a manager to decide on, never resent by itself."""

import datetime
import threading

import pytest
from django.db import connection
from django.utils import timezone

from concierge.celery import enqueue_now_rollback_unsafe
from concierge.processes import wait_until
from servicing.services import service_start
from servicing.tests.factories import ServiceFactory
from webhooks.models import Delivery, DeliveryState
from webhooks.services import deliveries_sweep, delivery_deliver
from webhooks.tasks import deliver_webhook

pytestmark = pytest.mark.django_db(transaction=True)

WORKER_ENV = {"WEBHOOKS_RETRY_BASE_SECONDS": 0.2, "WEBHOOKS_RETRY_CAP_SECONDS": 1, "WEBHOOKS_SWEEP_INTERVAL": 3600}


def a_delivery(receiver, endpoint_for) -> Delivery:
    endpoint = endpoint_for(receiver)
    service_start(service=ServiceFactory())
    return Delivery.objects.get(endpoint=endpoint)


def test_the_task_run_twice_sends_once(receiver, endpoint_for):
    delivery = a_delivery(receiver, endpoint_for)
    assert deliver_webhook.apply(args=[str(delivery.pk)]).get() == "delivered"
    assert deliver_webhook.apply(args=[str(delivery.pk)]).get() == "skipped"
    assert len(receiver.requests) == 1


def test_two_deliveries_of_one_row_at_once_send_once(receiver, endpoint_for):
    receiver.hang.set()  # the first send is in flight while the second one tries
    delivery = a_delivery(receiver, endpoint_for)
    outcomes = []

    def run():
        try:
            outcomes.append(delivery_deliver(delivery_id=delivery.pk).status)
        finally:
            connection.close()

    first = threading.Thread(target=run)
    first.start()
    assert receiver.arrived.wait(10)
    run()  # the second, while the first waits for its answer
    receiver.release.set()
    first.join(10)
    assert sorted(outcomes) == ["delivered", "skipped"]
    assert len(receiver.requests) == 1


def test_a_receiver_that_fails_then_recovers_gets_the_event_once_from_two_workers(
    receiver, endpoint_for, start_celery, redis_server,
):
    receiver.statuses = [500, 503]
    start_celery("worker", **WORKER_ENV)
    start_celery("worker", **WORKER_ENV)
    delivery = a_delivery(receiver, endpoint_for)  # committed: its task is queued
    enqueue_now_rollback_unsafe(deliver_webhook, str(delivery.pk))  # and once more, as a redelivered message

    assert wait_until(lambda: Delivery.objects.get(pk=delivery.pk).state == DeliveryState.DELIVERED, timeout=30)
    delivery.refresh_from_db()
    assert delivery.attempts == 3 and [r["verified"] for r in receiver.requests] == [True, True, True]
    # Nothing more arrives afterwards from the second message or the second worker.
    assert not wait_until(lambda: len(receiver.requests) > 3, timeout=3)


def test_a_worker_lost_mid_send_leaves_the_delivery_uncertain_and_not_resent(
    receiver, endpoint_for, start_celery, redis_server,
):
    receiver.hang.set()
    worker = start_celery("worker", **WORKER_ENV)
    delivery = a_delivery(receiver, endpoint_for)
    assert receiver.arrived.wait(20)
    worker.kill()
    receiver.release.set()
    assert Delivery.objects.get(pk=delivery.pk).state == DeliveryState.SENDING

    # Not yet: a claim younger than WEBHOOKS_CLAIM_TIMEOUT_SECONDS may belong to a slow worker.
    assert deliveries_sweep()["uncertain"] == 0
    later = timezone.now() + datetime.timedelta(minutes=10)
    assert deliveries_sweep(now=later)["uncertain"] == 1
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.UNCERTAIN and delivery.last_error.startswith("delivery uncertain")

    # A new worker, the redelivered broker message (acks_late) and later sweeps send nothing more.
    start_celery("worker", **WORKER_ENV)
    enqueue_now_rollback_unsafe(deliver_webhook, str(delivery.pk))
    assert deliveries_sweep(now=later + datetime.timedelta(hours=1))["requeued"] == 0
    assert not wait_until(lambda: len(receiver.requests) > 1, timeout=3)
    assert Delivery.objects.get(pk=delivery.pk).state == DeliveryState.UNCERTAIN


def test_a_due_delivery_whose_message_was_lost_is_queued_again_by_the_sweeper(receiver, endpoint_for, redis_server):
    from concierge.processes import queued_args

    delivery = a_delivery(receiver, endpoint_for)
    redis_server.stop()  # the broker message is lost with it
    redis_server.start()
    assert queued_args(redis_server, deliver_webhook) == []
    assert deliveries_sweep()["requeued"] == 0  # younger than WEBHOOKS_SWEEP_AGE_SECONDS: maybe still on its way
    later = timezone.now() + datetime.timedelta(minutes=2)
    assert deliveries_sweep(now=later)["requeued"] == 1
    assert queued_args(redis_server, deliver_webhook) == [[str(delivery.pk)]]
    assert deliveries_sweep(now=later)["requeued"] == 0  # not again until a full sweep age has passed


def test_an_event_deduplicated_by_its_key_is_delivered_once(receiver, endpoint_for):
    from concierge.workflows.events import event_emit
    from fleet.tests.factories import VehicleFactory

    endpoint = endpoint_for(receiver, events=["service_predicted_due"])
    vehicle = VehicleFactory()
    for _ in range(2):
        event_emit(name="service_predicted_due", vehicle=vehicle, dedupe_key=f"predicted:{vehicle.pk}",
                   payload={"service_type": "Oil Change", "due_date": "2026-12-20"})
    assert Delivery.objects.filter(endpoint=endpoint).count() == 1

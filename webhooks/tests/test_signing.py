"""A delivery is signed so that a receiver following docs/webhooks.md accepts it, and refuses it when
the body, the secret or the timestamp is not the one signed."""

import datetime
import json
import subprocess
import time

import pytest
from django.db import transaction

from concierge.workflows.models import Event
from servicing.models import ServiceStatus
from servicing.services import service_start
from servicing.tests.factories import ServiceFactory
from webhooks.models import Delivery, DeliveryState
from webhooks.services import delivery_deliver
from webhooks.signing import signature
from webhooks.tests.receiver import docs_block, docs_verify

pytestmark = pytest.mark.django_db


def test_a_delivery_verifies_with_the_docs_python_snippet(receiver, endpoint_for):
    endpoint = endpoint_for(receiver)
    service = ServiceFactory()
    service_start(service=service)
    delivery = Delivery.objects.get(endpoint=endpoint)

    assert delivery_deliver(delivery_id=delivery.pk).status == "delivered"

    [request] = receiver.requests
    assert request["verified"] is True
    headers, body = request["headers"], request["body"]
    assert headers["x-concierge-signature"].startswith("v1=")
    assert headers["x-concierge-event-id"] == str(delivery.event_id)
    assert headers["content-type"] == "application/json"
    assert request["path"] == "/hooks/concierge?source=shop"
    payload = json.loads(body)
    assert payload["id"] == str(delivery.event_id) and payload["type"] == "service_status_changed"
    assert payload["data"]["service_id"] == str(service.pk)
    event = Event.objects.get(pk=delivery.event_id)
    assert payload["occurred_at"] == event.created_at.astimezone(datetime.UTC).isoformat().replace("+00:00", "Z")
    assert payload["data"]["old_status"] == ServiceStatus.PENDING and payload["data"]["new_status"] == ServiceStatus.IN_PROGRESS
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.DELIVERED and delivery.response_code == 200 and delivery.attempts == 1


def test_the_docs_snippet_refuses_a_changed_body_a_wrong_secret_and_an_old_timestamp():
    verify = docs_verify()
    secret, body = "whsec_test", b'{"id":"1","type":"service_created"}'
    now = int(time.time())
    good = signature(secret=secret, timestamp=now, body=body.decode())
    assert verify(secret, body, str(now), good)
    assert not verify(secret, body + b" ", str(now), good)
    assert not verify("whsec_other", body, str(now), good)
    old = now - 301
    assert not verify(secret, body, str(old), signature(secret=secret, timestamp=old, body=body.decode()))
    # A replay given a fresh timestamp no longer matches the signature made for the old one.
    assert not verify(secret, body, str(now), signature(secret=secret, timestamp=old, body=body.decode()))
    assert not verify(secret, body, "not-a-number", good)


def test_the_docs_shell_one_liner_prints_the_signature_header(tmp_path):
    secret, timestamp, body = "whsec_shell", 1764820800, '{"id":"e1","type":"payment_received"}'
    (tmp_path / "body.json").write_text(body)
    printed = subprocess.run(
        ["sh", "-c", docs_block("verify-shell")], cwd=tmp_path, capture_output=True, text=True, check=True,
        env={"PATH": "/usr/bin:/bin", "SECRET": secret, "TIMESTAMP": str(timestamp)},
    ).stdout.strip()
    assert printed == signature(secret=secret, timestamp=timestamp, body=body)


def test_a_rolled_back_change_queues_no_delivery(receiver, endpoint_for):
    endpoint = endpoint_for(receiver)
    service = ServiceFactory()
    with pytest.raises(RuntimeError), transaction.atomic():
        service_start(service=service)
        assert Delivery.objects.filter(endpoint=endpoint).count() == 1
        raise RuntimeError("the change fails after the event")
    assert not Delivery.objects.filter(endpoint=endpoint).exists()


def test_only_subscribed_events_are_queued(receiver, endpoint_for):
    endpoint = endpoint_for(receiver, events=["service_created"])
    service = ServiceFactory()
    service_start(service=service)
    assert list(Delivery.objects.filter(endpoint=endpoint).values_list("event_type", flat=True)) == ["service_created"]


def test_the_secret_is_stored_encrypted(receiver, endpoint_for):
    from django.db import connection

    endpoint = endpoint_for(receiver)
    with connection.cursor() as cursor:
        cursor.execute("SELECT secret FROM webhook_endpoints WHERE id = %s", [endpoint.pk])
        [stored] = cursor.fetchone()
    assert endpoint.secret.startswith("whsec_") and endpoint.secret not in stored

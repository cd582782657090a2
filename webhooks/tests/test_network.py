"""Webhooks across a failing network: a receiver that trickles its answer, cuts the TLS handshake, or
whose name does not resolve. Nothing hangs a worker past WEBHOOKS_TIMEOUT_SECONDS, and what provably
did not reach the receiver is retried, never failed for good."""

import socket
import struct
import threading
import time

import pytest

from notifications.tests.local_server import TricklingServer, raw_http
from servicing.services import service_start
from servicing.tests.factories import ServiceFactory
from webhooks.models import Delivery, DeliveryState
from webhooks.services import delivery_deliver, endpoint_create

pytestmark = pytest.mark.django_db


def a_delivery(url: str) -> Delivery:
    endpoint = endpoint_create(name="Accounting", url=url, events=["service_status_changed"])
    service_start(service=ServiceFactory())
    return Delivery.objects.get(endpoint=endpoint)


class HandshakeCutter:
    """Takes the connection, reads the client's TLS hello, and hangs up: with a reset (RST) or a
    plain close (FIN), as a receiver's proxy does when it is restarting or overloaded."""

    def __init__(self, *, reset: bool):
        self.reset = reset
        self.hellos = 0
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(5)
        self.port = self._listener.getsockname()[1]
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        try:
            conn, _ = self._listener.accept()
        except OSError:
            return
        with conn:
            time.sleep(0.1)  # the whole hello is in: a FIN now is a clean close, not a reset
            if conn.recv(65536):
                self.hellos += 1
            if self.reset:
                conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))

    def close(self):
        self._listener.close()


@pytest.mark.parametrize("reset", [False, True], ids=["closed", "reset"])
def test_a_tls_handshake_cut_by_the_receiver_is_retried_as_not_delivered(reset):
    cutter = HandshakeCutter(reset=reset)
    try:
        delivery = a_delivery(f"https://localhost:{cutter.port}/in")
        assert delivery_deliver(delivery_id=delivery.pk).status == "retry"
    finally:
        cutter.close()
    delivery.refresh_from_db()
    assert cutter.hellos == 1
    assert delivery.state == DeliveryState.PENDING and delivery.next_attempt_at is not None
    assert delivery.last_error.startswith("could not connect")


def test_an_answer_trickled_a_byte_at_a_time_ends_within_the_timeout(settings):
    settings.WEBHOOKS_TIMEOUT_SECONDS = 1
    with TricklingServer(interval=0.25) as receiver:
        delivery = a_delivery(f"{receiver.base_url}/in")
        started = time.monotonic()
        assert delivery_deliver(delivery_id=delivery.pk).status == "retry"
        assert time.monotonic() - started < 3 and receiver.requests == 1
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.PENDING and "no answer within 1 s" in delivery.last_error


def test_a_host_name_that_does_not_resolve_is_retried_not_failed_for_good(settings):
    # .invalid never resolves (RFC 6761), as a name does while DNS is down.
    delivery = a_delivery("http://receiver.invalid/in")
    assert delivery_deliver(delivery_id=delivery.pk).status == "retry"
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.PENDING and "does not resolve" in delivery.last_error


def test_a_receiver_asking_to_wait_is_not_asked_again_sooner(settings):
    answer = raw_http(429, b"", Retry_After="600")
    with TricklingServer(answer=answer, interval=0) as receiver:
        delivery = a_delivery(f"{receiver.base_url}/in")
        outcome = delivery_deliver(delivery_id=delivery.pk)
    assert outcome.status == "retry" and 600 <= outcome.retry_in <= settings.WEBHOOKS_RETRY_CAP_SECONDS

"""Daraja across a failing network: every push ends `pending`, `refused` (nothing reached the phone) or
`uncertain` (it may have), within MPESA_TIMEOUT, and is never pushed a second time by itself."""

import time

import pytest

from notifications.tests.local_server import TricklingServer, raw_http
from payments.models import MpesaRequest, RequestState
from payments.services.mpesa import daraja_client, mpesa_request_create, mpesa_request_send

from .scenarios import an_invoice

pytestmark = pytest.mark.django_db

PHONE = "0712 345 678"


def _sent() -> MpesaRequest:
    row = mpesa_request_create(invoice=an_invoice(), phone=PHONE, by=None)
    mpesa_request_send(request_id=row.pk)
    row.refresh_from_db()
    return row


def test_a_push_answer_trickled_a_byte_at_a_time_is_uncertain_within_the_timeout(mpesa_settings, daraja_server):
    # Daraja takes the push, then answers a byte every quarter second: each read is inside the 1 s
    # timeout, the whole answer would take over a minute.
    daraja_server.trickle_next = 1
    started = time.monotonic()
    row = _sent()
    assert time.monotonic() - started < 3
    assert row.state == RequestState.UNCERTAIN and "(timed out)" in row.status_message
    assert len(daraja_server.pushes) == 1


def test_a_token_trickled_a_byte_at_a_time_pushes_nothing_and_ends_within_the_timeout(mpesa_settings):
    with TricklingServer(interval=0.25) as daraja:
        mpesa_settings.MPESA_BASE_URL = daraja.base_url
        started = time.monotonic()
        row = _sent()
        assert time.monotonic() - started < 3
    assert row.state == RequestState.REFUSED and "no token from M-Pesa (timed out)" in row.status_message


@pytest.mark.parametrize("body", [
    "<html><body><h1>200 OK</h1>Request received</body></html>",
    '{"requestId": "1-2-3"}',
    '["0"]',
    "[" * 100_000 + "]" * 100_000,  # past the JSON parser's nesting limit
])
def test_an_odd_2xx_answer_to_the_push_is_uncertain(mpesa_settings, daraja_server, body):
    daraja_server.odd_answer = (200, body)
    row = _sent()
    assert row.state == RequestState.UNCERTAIN and "unreadable reply" in row.status_message
    assert len(daraja_server.pushes) == 1


def test_a_4xx_with_an_html_body_is_a_clear_refusal(mpesa_settings, daraja_server):
    daraja_server.odd_answer = (400, "<html><body>Bad Request</body></html>")
    row = _sent()
    assert row.state == RequestState.REFUSED
    assert row.status_message.startswith("M-Pesa refused the request: HTTP 400") and daraja_server.pushes == []


def test_a_token_daraja_no_longer_takes_is_renewed_once_and_the_push_sent_once(mpesa_settings, daraja_server):
    daraja_client()._token()
    daraja_server.expire_token()  # revoked before it expired: Daraja answers 401 404.001.03
    row = _sent()
    assert row.state == RequestState.PENDING and len(daraja_server.pushes) == 1
    assert daraja_server.tokens_issued == 2


def test_a_token_refused_again_after_renewal_is_a_refusal_not_a_loop(mpesa_settings, daraja_server):
    daraja_server.refuse_every_token = True
    row = _sent()
    assert row.state == RequestState.REFUSED and "404.001.03 Invalid Access Token" in row.status_message
    posts = [path for path, _, body in daraja_server.requests if body is not None]
    assert len(posts) == 2 and daraja_server.tokens_issued == 2 and daraja_server.pushes == []


def test_a_refusal_with_an_overlong_error_code_is_kept_short_not_a_crash(mpesa_settings, daraja_server):
    daraja_server.odd_answer = (400, '{"errorCode": "' + "4" * 2000 + '", "errorMessage": "' + "m" * 2000 + '"}')
    row = _sent()
    assert row.state == RequestState.REFUSED and len(row.status_message) <= 300 and daraja_server.pushes == []


def test_a_rate_limited_token_request_says_so_and_pushes_nothing(mpesa_settings):
    with TricklingServer(answer=raw_http(429, b"<html>Too Many Requests</html>", "text/html"), interval=0) as daraja:
        mpesa_settings.MPESA_BASE_URL = daraja.base_url
        row = _sent()
    assert row.state == RequestState.REFUSED
    assert "token service answered HTTP 429" in row.status_message and "CONSUMER_KEY" not in row.status_message


def test_a_token_that_cannot_go_in_a_header_pushes_nothing_and_leaves_no_row_sending(mpesa_settings, daraja_server):
    daraja_server.token = "fakeTok€n" + "x" * 20  # not Latin-1: http.client cannot write it
    row = _sent()
    assert row.state == RequestState.REFUSED and "UnicodeEncodeError" in row.status_message
    assert daraja_server.pushes == [] and [p for p, _, body in daraja_server.requests if body is not None] == []

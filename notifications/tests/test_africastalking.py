import socket
import time

import pytest

from notifications.backends import PermanentDeliveryError, TransientDeliveryError, UncertainDeliveryError
from notifications.backends.africastalking import AfricasTalkingSMSBackend
from notifications.tests.fake_provider import FakeAfricasTalking
from notifications.tests.local_server import TricklingServer, raw_http


@pytest.fixture
def at_settings(settings):
    settings.AFRICASTALKING_USERNAME = "ndegwa"
    settings.AFRICASTALKING_API_KEY = "test-key"
    settings.AFRICASTALKING_SENDER_ID = "NDEGWA"
    settings.AFRICASTALKING_TIMEOUT = 2
    return settings


def test_sends_the_documented_request_and_returns_the_message_id(at_settings):
    with FakeAfricasTalking() as provider:
        at_settings.AFRICASTALKING_BASE_URL = provider.base_url
        message_id = AfricasTalkingSMSBackend().send(to="+254712345678", message="Your car is ready")
    headers, form = provider.requests[0]
    assert form == {"username": "ndegwa", "to": "+254712345678", "message": "Your car is ready", "from": "NDEGWA"}
    assert headers["apikey"] == "test-key"
    assert headers["accept"] == "application/json"
    assert headers["content-type"] == "application/x-www-form-urlencoded"
    assert message_id == "ATXid_1"


def test_invalid_number_is_a_permanent_failure_with_the_reason(at_settings):
    with FakeAfricasTalking(status_code=403) as provider:
        at_settings.AFRICASTALKING_BASE_URL = provider.base_url
        with pytest.raises(PermanentDeliveryError, match="403 InvalidPhoneNumber"):
            AfricasTalkingSMSBackend().send(to="+254700", message="x")


def test_provider_server_error_is_transient(at_settings):
    with FakeAfricasTalking(failure_rate=1.0) as provider:
        at_settings.AFRICASTALKING_BASE_URL = provider.base_url
        with pytest.raises(TransientDeliveryError, match="HTTP 500"):
            AfricasTalkingSMSBackend().send(to="+254712345678", message="x")


def test_wrong_api_key_is_permanent(at_settings):
    with FakeAfricasTalking(api_key="other") as provider:
        at_settings.AFRICASTALKING_BASE_URL = provider.base_url
        with pytest.raises(PermanentDeliveryError, match="HTTP 401"):
            AfricasTalkingSMSBackend().send(to="+254712345678", message="x")


def test_unreachable_provider_is_transient(at_settings):
    with FakeAfricasTalking() as provider:
        url = provider.base_url
    at_settings.AFRICASTALKING_BASE_URL = url  # the server has stopped: connection refused
    with pytest.raises(TransientDeliveryError, match="not reached .*Connection refused.*: nothing was sent"):
        AfricasTalkingSMSBackend().send(to="+254712345678", message="x")



def test_an_error_body_echoing_the_number_is_kept_without_it(at_settings):
    with FakeAfricasTalking(failure_rate=1.0, error_body="Invalid phone number: +254712345678") as provider:
        at_settings.AFRICASTALKING_BASE_URL = provider.base_url
        with pytest.raises(TransientDeliveryError) as info:
            AfricasTalkingSMSBackend().send(to="+254712345678", message="x")
    assert str(info.value) == "Africa's Talking HTTP 500: Invalid phone number: [number]"


# What a failure means: provably not sent (retry may follow) or uncertain (never resent automatically).

@pytest.fixture
def provider(at_settings):
    with FakeAfricasTalking() as server:
        at_settings.AFRICASTALKING_BASE_URL = server.base_url
        yield server


def send():
    return AfricasTalkingSMSBackend().send(to="+254712345678", message="Your car is ready")


def test_an_answer_lost_to_a_read_timeout_is_uncertain_not_transient(provider, at_settings):
    at_settings.AFRICASTALKING_TIMEOUT = 0.5
    provider.hang_rate, provider.hang_seconds = 1.0, 2
    with pytest.raises(UncertainDeliveryError, match="no answer .* after the request was sent \\(timed out\\)"):
        send()
    assert len(provider.accepted) == 1  # the provider had taken the text: a retry would send it twice


def test_a_connection_dropped_after_the_request_is_uncertain(provider):
    provider.drop_rate = 1.0
    with pytest.raises(UncertainDeliveryError, match="no answer .* after the request was sent"):
        send()
    assert len(provider.accepted) == 1


def test_a_connect_timeout_is_transient_nothing_was_sent(at_settings):
    # A listener that never accepts, its queue already full: the handshake of a second connection
    # gets no answer, as from a provider whose network is down.
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(0)
        filling = [socket.create_connection(listener.getsockname(), timeout=1)]
        at_settings.AFRICASTALKING_BASE_URL = f"http://127.0.0.1:{listener.getsockname()[1]}"
        at_settings.AFRICASTALKING_TIMEOUT = 0.5
        try:
            with pytest.raises(TransientDeliveryError, match="not reached \\(timed out\\): nothing was sent"):
                send()
        finally:
            for connection in filling:
                connection.close()


def test_an_answer_trickled_a_byte_at_a_time_ends_within_the_timeout_as_uncertain(at_settings):
    # Each read gets a byte in a quarter second (inside the per-read timeout); the whole answer would
    # take half a minute. The provider read the request: the text may have gone out.
    with TricklingServer(interval=0.25) as server:
        at_settings.AFRICASTALKING_BASE_URL, at_settings.AFRICASTALKING_TIMEOUT = server.base_url, 1
        started = time.monotonic()
        with pytest.raises(UncertainDeliveryError, match="after the request was sent \\(timed out\\)"):
            send()
        assert time.monotonic() - started < 3
        assert server.requests == 1


@pytest.mark.parametrize("code, error, reason", [
    (403, PermanentDeliveryError, "403 InvalidPhoneNumber"),
    (406, PermanentDeliveryError, "406 UserInBlacklist"),
    (402, PermanentDeliveryError, "402 InvalidSenderId"),
    (405, TransientDeliveryError, "405 InsufficientBalance"),
    (401, TransientDeliveryError, "401 RiskHold"),
    (502, TransientDeliveryError, "502 RejectedByGateway"),
])
def test_a_per_recipient_refusal_says_the_text_was_not_sent(provider, code, error, reason):
    provider.status_code = code
    with pytest.raises(error, match=reason):
        send()
    assert provider.accepted == []


def test_an_unknown_per_recipient_code_is_uncertain(provider):
    provider.status_code = 199
    with pytest.raises(UncertainDeliveryError, match="unknown status code 199"):
        send()


@pytest.mark.parametrize("status, error", [
    (500, TransientDeliveryError), (503, TransientDeliveryError), (429, TransientDeliveryError),
    (400, PermanentDeliveryError), (502, UncertainDeliveryError), (504, UncertainDeliveryError),
])
def test_an_http_error_answer_is_a_refusal_unless_a_gateway_gave_up_on_the_provider(provider, status, error):
    provider.failure_rate, provider.error_status = 1.0, status
    with pytest.raises(error, match=f"HTTP {status}"):
        send()


def test_an_unreadable_success_answer_is_uncertain(provider):
    provider.failure_rate, provider.error_status, provider.error_body = 1.0, 200, "<html>OK</html>"
    with pytest.raises(UncertainDeliveryError, match="unreadable reply"):
        send()


def test_an_answer_nested_past_the_json_parser_is_uncertain_not_a_crash(at_settings):
    with TricklingServer(answer=raw_http(201, b"[" * 100_000 + b"]" * 100_000), interval=0) as server:
        at_settings.AFRICASTALKING_BASE_URL = server.base_url
        with pytest.raises(UncertainDeliveryError, match="unreadable reply"):
            send()


@pytest.mark.parametrize("message_id", [b'{"id": 1}', b'"' + b"A" * 101 + b'"', b"null"])
def test_a_taken_message_with_an_odd_message_id_is_sent_without_one(at_settings, message_id):
    # Taken is taken (statusCode 101): resending would text the client twice. Only the id is lost,
    # so delivery reports cannot be matched to it.
    body = b'{"SMSMessageData": {"Recipients": [{"statusCode": 101, "messageId": ' + message_id + b"}]}}"
    with TricklingServer(answer=raw_http(201, body), interval=0) as server:
        at_settings.AFRICASTALKING_BASE_URL = server.base_url
        assert send() == ""


def test_an_answer_without_end_is_read_up_to_a_cap_not_forever(at_settings):
    head = b"HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n"
    with TricklingServer(answer=head + b'{"SMSMessageData": ', interval=0, endless=True) as server:
        at_settings.AFRICASTALKING_BASE_URL, at_settings.AFRICASTALKING_TIMEOUT = server.base_url, 30
        started = time.monotonic()
        with pytest.raises(UncertainDeliveryError, match="unreadable reply"):
            send()
        assert time.monotonic() - started < 5

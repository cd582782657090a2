import pytest

from notifications.backends import PermanentDeliveryError, TransientDeliveryError
from notifications.backends.africastalking import AfricasTalkingSMSBackend
from notifications.tests.fake_provider import FakeAfricasTalking


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
    with pytest.raises(TransientDeliveryError, match="unreachable"):
        AfricasTalkingSMSBackend().send(to="+254712345678", message="x")



def test_an_error_body_echoing_the_number_is_kept_without_it(at_settings):
    with FakeAfricasTalking(failure_rate=1.0, error_body="Invalid phone number: +254712345678") as provider:
        at_settings.AFRICASTALKING_BASE_URL = provider.base_url
        with pytest.raises(TransientDeliveryError) as info:
            AfricasTalkingSMSBackend().send(to="+254712345678", message="x")
    assert str(info.value) == "Africa's Talking HTTP 500: Invalid phone number: [number]"

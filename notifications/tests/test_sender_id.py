"""The sender ID (AFRICASTALKING_SENDER_ID) goes out as `from` on every text, through the whole path
to a fake Africa's Talking that knows which sender IDs the account has."""

import pytest

from clients.tests.factories import ClientFactory
from notifications.models import NotificationStatus, NotificationType
from notifications.services import notification_create, notification_deliver
from notifications.tests.fake_provider import FakeAfricasTalking

pytestmark = pytest.mark.django_db


@pytest.fixture
def provider(settings):
    with FakeAfricasTalking(sender_ids={"NDEGWA"}) as fake:
        settings.SMS_BACKEND = "notifications.backends.africastalking.AfricasTalkingSMSBackend"
        settings.AFRICASTALKING_USERNAME, settings.AFRICASTALKING_API_KEY = "ndegwa", fake.api_key
        settings.AFRICASTALKING_BASE_URL, settings.AFRICASTALKING_TIMEOUT = fake.base_url, 5
        yield fake


def deliver():
    note = notification_create(channel=NotificationType.SMS, client=ClientFactory(phone="+254712345678"),
                               message="Your car is ready")
    notification_deliver(notification_id=note.pk)
    note.refresh_from_db()
    return note


def test_the_sender_id_is_sent_as_from_when_set(provider, settings):
    settings.AFRICASTALKING_SENDER_ID = "NDEGWA"
    assert deliver().status == NotificationStatus.SENT
    (_, form), = provider.requests
    assert form["from"] == "NDEGWA"


def test_no_sender_id_sends_no_from_and_the_account_default_is_used(provider, settings):
    settings.AFRICASTALKING_SENDER_ID = ""
    assert deliver().status == NotificationStatus.SENT
    (_, form), = provider.requests
    assert "from" not in form


def test_a_sender_id_the_account_does_not_have_fails_with_the_providers_reason(provider, settings):
    settings.AFRICASTALKING_SENDER_ID = "OTHERSHOP"
    note = deliver()
    assert (note.status, note.error) == (NotificationStatus.FAILED, "Africa's Talking refused: 402 InvalidSenderId")

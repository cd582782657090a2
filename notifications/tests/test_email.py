"""Email through Django's SMTP backend against a local SMTP server the test starts."""

import pytest

from clients.tests.factories import ClientFactory
from notifications.models import NotificationStatus, NotificationType
from notifications.services import notification_create, notification_deliver
from notifications.tests.fake_smtp import FakeSMTP

pytestmark = pytest.mark.django_db


@pytest.fixture
def smtp(settings):
    with FakeSMTP(refuse_domain="gone.example") as server:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", server.port, 5
        settings.EMAIL_USE_TLS, settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD = False, "", ""
        yield server


def test_an_email_is_delivered_over_smtp(smtp):
    notification = notification_create(
        channel=NotificationType.EMAIL, client=ClientFactory(email="achieng@example.co.ke"),
        subject="Your car is ready", message="Pick it up at 5.",
    )
    assert notification_deliver(notification_id=notification.pk).status == "sent"
    [(mail_from, rcpts, data)] = smtp.messages
    assert rcpts == ["achieng@example.co.ke"]
    assert "Subject: Your car is ready" in data and "Pick it up at 5." in data
    assert f"X-Notification-Id: {notification.pk}" in data
    notification.refresh_from_db()
    assert notification.status == NotificationStatus.SENT


def test_a_refused_address_fails_at_once_without_naming_it(smtp):
    notification = notification_create(
        channel=NotificationType.EMAIL, client=ClientFactory(email="someone@gone.example"), message="x",
    )
    assert notification_deliver(notification_id=notification.pk).status == "failed"
    notification.refresh_from_db()
    assert notification.error == "the mail server refused the address"
    assert notification.attempts == 1


def test_a_connection_lost_after_the_message_was_handed_over_is_uncertain_not_retried(smtp):
    smtp.drop_after_data = True
    notification = notification_create(
        channel=NotificationType.EMAIL, client=ClientFactory(email="achieng@example.co.ke"), message="x",
    )
    assert notification_deliver(notification_id=notification.pk).status == "uncertain"
    notification.refresh_from_db()
    assert (notification.status, notification.delivery_uncertain) == (NotificationStatus.FAILED, True)
    assert notification.error.startswith("delivery uncertain: mail server: SMTPServerDisconnected")
    assert len(smtp.messages) == 1  # the server had it

"""Email through Django's SMTP backend against a local SMTP server the test starts."""

import time

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


def _email_to_achieng():
    return notification_create(
        channel=NotificationType.EMAIL, client=ClientFactory(email="achieng@example.co.ke"), message="x",
    )


def test_a_sign_in_with_the_right_password_sends(smtp, settings):
    smtp.users = {"notifications@ndegwa.example": "right-password"}
    settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD = "notifications@ndegwa.example", "right-password"
    assert notification_deliver(notification_id=_email_to_achieng().pk).status == "sent"
    assert smtp.sign_ins == [("notifications@ndegwa.example", True)] and len(smtp.messages) == 1


def test_a_refused_sign_in_tells_the_operator_which_settings_to_check_without_the_secret(smtp, settings, caplog):
    smtp.users = {"notifications@ndegwa.example": "right-password"}
    settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD = "notifications@ndegwa.example", "Wrong-Secret-4821"
    notification = _email_to_achieng()
    assert notification_deliver(notification_id=notification.pk).status == "retry"
    notification.refresh_from_db()
    assert notification.error == ("the mail server refused the sign-in (535): check EMAIL_HOST_USER / "
                                  "EMAIL_HOST_PASSWORD; nothing was sent")
    assert "refused the sign-in (535)" in caplog.text
    assert "Wrong-Secret-4821" not in caplog.text + notification.error
    assert smtp.sign_ins == [("notifications@ndegwa.example", False)] and smtp.messages == []


def test_a_refused_greeting_says_the_server_refused_and_is_retried(smtp):
    smtp.greeting = "554 5.7.1 No SMTP service here"
    notification = _email_to_achieng()
    assert notification_deliver(notification_id=notification.pk).status == "retry"
    notification.refresh_from_db()
    assert notification.error == "the mail server refused the connection (554): nothing was sent"


def test_an_answer_trickled_after_the_message_ends_within_the_timeout_as_uncertain(smtp, settings):
    # The server has the message and answers a byte every half second: each read is inside the
    # 1 s timeout, the whole "250 OK queued" would take seven.
    settings.EMAIL_TIMEOUT = 1
    smtp.trickle_after_data = 0.5
    notification = _email_to_achieng()
    started = time.monotonic()
    assert notification_deliver(notification_id=notification.pk).status == "uncertain"
    assert time.monotonic() - started < 3
    notification.refresh_from_db()
    assert notification.error.startswith("delivery uncertain: mail server: timed out while sending")
    assert len(smtp.messages) == 1


def test_a_greeting_slower_than_the_whole_timeout_sends_nothing_and_is_retried(smtp, settings):
    settings.EMAIL_TIMEOUT = 1
    smtp.greeting, smtp.trickle_greeting = "220 ok", 0.3  # each byte in time, the greeting in 2.4 s
    notification = _email_to_achieng()
    assert notification_deliver(notification_id=notification.pk).status == "retry"
    notification.refresh_from_db()
    assert notification.error == "mail server not reached (timed out): nothing was sent" and smtp.messages == []

import datetime
import email.utils

import pytest
from django.core import mail
from django.utils import timezone

from clients.tests.factories import ClientFactory
from concierge.accounts.tests.factories import UserFactory
from notifications.backends import sms
from notifications.models import Notification, NotificationStatus, NotificationType
from notifications.services import (
    notification_create, notification_deliver, notification_resend_uncertain, notification_retry,
    notifications_requeue_stale, retry_delay,
)
from notifications.tests.fake_provider import FakeAfricasTalking
from notifications.tests.local_server import TricklingServer, raw_http

pytestmark = pytest.mark.django_db
AT = "notifications.backends.africastalking.AfricasTalkingSMSBackend"


@pytest.fixture(autouse=True)
def empty_outbox():
    sms.outbox.clear()


def create(channel=NotificationType.SMS, **kwargs):
    if "client" not in kwargs:
        kwargs["client"] = ClientFactory()
    return notification_create(channel=channel, message="Your car is ready", **kwargs)


def test_a_new_notification_is_pending_and_queued_after_commit(django_capture_on_commit_callbacks):
    client = ClientFactory()
    with django_capture_on_commit_callbacks() as callbacks:
        notification = create(client=client)
    assert notification.status == NotificationStatus.PENDING and notification.sent_at is None
    assert len(callbacks) == 1


def test_in_app_is_sent_at_once_and_not_queued(django_capture_on_commit_callbacks):
    client = ClientFactory()
    with django_capture_on_commit_callbacks() as callbacks:
        notification = create(NotificationType.IN_APP, client=client)
    assert notification.status == NotificationStatus.SENT and notification.sent_at is not None
    assert callbacks == []


@pytest.mark.parametrize(("channel", "client_kwargs", "reason"), [
    (NotificationType.SMS, {"phone": None}, "no phone number on file"),
    (NotificationType.SMS, {"phone": ""}, "no phone number on file"),
])
def test_missing_contact_data_fails_at_once_with_the_reason(channel, client_kwargs, reason, django_capture_on_commit_callbacks):
    client = ClientFactory(**client_kwargs)
    with django_capture_on_commit_callbacks() as callbacks:
        notification = create(channel, client=client)
    notification.refresh_from_db()
    assert notification.status == NotificationStatus.FAILED
    assert notification.error == f"not sent: {reason}"
    assert callbacks == []


def test_an_email_to_a_staff_member_without_an_address_fails_at_once_with_the_reason():
    # Clients always have an email (the seed's NOT NULL); staff accounts are where it can be blank.
    notification = notification_create(channel=NotificationType.EMAIL, message="x", user=UserFactory(email=""))
    assert (notification.status, notification.error) == (NotificationStatus.FAILED, "not sent: no email address on file")


def test_marketing_needs_consent():
    refused = create(client=ClientFactory(consent_gdpr=False), marketing=True)
    allowed = create(client=ClientFactory(consent_gdpr=True), marketing=True)
    service_message = create(client=ClientFactory(consent_gdpr=False))
    assert refused.status == NotificationStatus.FAILED and "consent" in refused.error
    assert allowed.status == service_message.status == NotificationStatus.PENDING


def test_delivering_an_sms_marks_it_sent_with_the_provider_id():
    notification = create(client=ClientFactory(phone="+254712000111"))
    assert notification_deliver(notification_id=notification.pk).status == "sent"
    notification.refresh_from_db()
    assert notification.status == NotificationStatus.SENT and notification.sent_at is not None
    assert notification.provider_message_id.startswith("locmem-")
    assert sms.outbox == [("+254712000111", "Your car is ready")]


def test_a_notification_is_delivered_at_most_once_when_its_task_runs_twice():
    notification = create()
    outcomes = [notification_deliver(notification_id=notification.pk).status for _ in range(3)]
    assert outcomes == ["sent", "skipped", "skipped"]
    assert len(sms.outbox) == 1


def test_a_claimed_notification_is_not_sent_by_a_second_task():
    notification = create()
    Notification.objects.filter(pk=notification.pk).update(claimed_at=timezone.now())  # another worker has it
    assert notification_deliver(notification_id=notification.pk).status == "skipped"
    assert sms.outbox == []


def test_email_goes_through_djangos_email_framework():
    client = ClientFactory(email="wanjiru@example.co.ke")
    notification = create(NotificationType.EMAIL, client=client, subject="Ready")
    notification_deliver(notification_id=notification.pk)
    assert [(m.to, m.subject, m.body) for m in mail.outbox] == [(["wanjiru@example.co.ke"], "Ready", "Your car is ready")]


def test_staff_escalation_email_goes_to_the_staff_member():
    user = UserFactory(email="manager@ndegwa.example")
    notification = notification_create(channel=NotificationType.EMAIL, message="Overdue", user=user)
    notification_deliver(notification_id=notification.pk)
    assert mail.outbox[0].to == ["manager@ndegwa.example"]


def test_a_phone_removed_before_delivery_fails_with_the_reason():
    client = ClientFactory()
    notification = create(client=client)
    client.phone = None
    client.save()
    assert notification_deliver(notification_id=notification.pk).status == "failed"
    notification.refresh_from_db()
    assert notification.error == "not sent: no phone number on file"


@pytest.mark.parametrize("retry_after", ["300", "{date}"])
def test_a_provider_asking_to_wait_is_not_asked_again_sooner(settings, retry_after):
    when = email.utils.format_datetime(timezone.now() + datetime.timedelta(seconds=302), usegmt=True)
    answer = raw_http(429, b"Too Many Requests", "text/plain", Retry_After=retry_after.format(date=when))
    with TricklingServer(answer=answer, interval=0) as provider:
        settings.SMS_BACKEND, settings.AFRICASTALKING_BASE_URL = AT, provider.base_url
        settings.AFRICASTALKING_USERNAME, settings.AFRICASTALKING_API_KEY = "ndegwa", "test-key"
        settings.NOTIFICATION_RETRY_BASE_SECONDS, settings.NOTIFICATION_RETRY_CAP_SECONDS = 30, 600
        outcome = notification_deliver(notification_id=create().pk)
    assert outcome.status == "retry" and 295 <= outcome.retry_in <= 600  # not the 15-30 s of a first retry


def test_a_transient_failure_is_released_for_a_later_retry(settings):
    with FakeAfricasTalking(failure_rate=1.0) as provider:
        settings.SMS_BACKEND, settings.AFRICASTALKING_BASE_URL = AT, provider.base_url
        settings.AFRICASTALKING_USERNAME, settings.AFRICASTALKING_API_KEY = "ndegwa", "test-key"
        notification = create()
        outcome = notification_deliver(notification_id=notification.pk)
    notification.refresh_from_db()
    assert outcome.status == "retry" and outcome.retry_in > 0
    assert notification.status == NotificationStatus.PENDING and notification.claimed_at is None
    assert notification.attempts == 1 and "HTTP 500" in notification.error
    assert notification.next_attempt_at > timezone.now()
    # Not before its time, even if a task shows up early (the sweeper, a redelivery).
    assert notification_deliver(notification_id=notification.pk).status == "skipped"


def test_transient_failures_give_up_after_the_maximum_attempts(settings):
    settings.NOTIFICATION_MAX_ATTEMPTS = 3
    with FakeAfricasTalking(failure_rate=1.0) as provider:
        settings.SMS_BACKEND, settings.AFRICASTALKING_BASE_URL = AT, provider.base_url
        settings.AFRICASTALKING_USERNAME, settings.AFRICASTALKING_API_KEY = "ndegwa", "test-key"
        notification = create()
        outcomes = []
        for _ in range(3):
            Notification.objects.filter(pk=notification.pk).update(next_attempt_at=None)  # time passes
            outcomes.append(notification_deliver(notification_id=notification.pk).status)
    notification.refresh_from_db()
    assert outcomes == ["retry", "retry", "failed"]
    assert notification.status == NotificationStatus.FAILED
    assert notification.error.startswith("gave up after 3 attempts: Africa's Talking HTTP 500")
    assert len(provider.requests) == 3


def test_a_permanent_failure_fails_at_once_with_the_providers_reason(settings):
    with FakeAfricasTalking(status_code=403) as provider:
        settings.SMS_BACKEND, settings.AFRICASTALKING_BASE_URL = AT, provider.base_url
        settings.AFRICASTALKING_USERNAME, settings.AFRICASTALKING_API_KEY = "ndegwa", "test-key"
        notification = create()
        assert notification_deliver(notification_id=notification.pk).status == "failed"
    notification.refresh_from_db()
    assert notification.attempts == 1
    assert notification.error == "Africa's Talking refused: 403 InvalidPhoneNumber"


def test_a_dead_mail_server_is_a_transient_failure(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 2  # nothing listens on port 1
    notification = create(NotificationType.EMAIL)
    assert notification_deliver(notification_id=notification.pk).status == "retry"
    notification.refresh_from_db()
    assert notification.error.startswith("mail server not reached")


def test_retry_delay_grows_exponentially_and_is_capped(settings):
    settings.NOTIFICATION_RETRY_BASE_SECONDS, settings.NOTIFICATION_RETRY_CAP_SECONDS = 10, 60
    assert 5 <= retry_delay(1) <= 10
    assert 20 <= retry_delay(3) <= 40
    assert all(30 <= retry_delay(n) <= 60 for n in range(4, 20))


def test_the_sweeper_requeues_old_pending_rows_only(settings, redis_server):
    from notifications.tasks import deliver_notification
    from concierge.processes import queued_args

    old, _new = create(), create()
    waiting = create()
    Notification.objects.filter(pk__in=[old.pk, waiting.pk]).update(created_at=timezone.now() - datetime.timedelta(minutes=5))
    Notification.objects.filter(pk=waiting.pk).update(next_attempt_at=timezone.now() + datetime.timedelta(minutes=5))
    assert notifications_requeue_stale()["requeued"] == 1
    assert queued_args(redis_server, deliver_notification) == [[str(old.pk)]]  # in the real queue, once


def test_the_sweeper_marks_abandoned_claims_uncertain_instead_of_resending(settings):
    notification = create()
    Notification.objects.filter(pk=notification.pk).update(
        claimed_at=timezone.now() - datetime.timedelta(seconds=settings.NOTIFICATION_CLAIM_TIMEOUT_SECONDS + 1)
    )
    assert notifications_requeue_stale()["abandoned"] == 1
    notification.refresh_from_db()
    assert notification.status == NotificationStatus.FAILED and notification.delivery_uncertain
    assert notification.error.startswith("delivery uncertain: the worker was lost")


def test_staff_can_send_a_failed_notification_again(django_capture_on_commit_callbacks):
    notification = create(client=ClientFactory(phone=None))
    ClientFactory._meta.model.objects.filter(pk=notification.client_id).update(phone="+254712000999")
    with django_capture_on_commit_callbacks() as callbacks:
        assert notification_retry(notification=notification)
    assert len(callbacks) == 1
    assert notification_deliver(notification_id=notification.pk).status == "sent"


def test_the_sweeper_queues_a_row_once_per_sweep_age_not_on_every_sweep(redis_server):
    from notifications.tasks import deliver_notification
    from concierge.processes import queued_args

    old = create()
    Notification.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(minutes=5))
    notifications_requeue_stale()
    notifications_requeue_stale()  # a backlog: the first copy has not run yet
    assert queued_args(redis_server, deliver_notification) == [[str(old.pk)]]


def test_the_sweeper_stops_at_the_first_broker_error_and_leaves_rows_for_the_next_sweep(redis_server, caplog):
    old, older = create(), create()
    Notification.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(minutes=5))
    Notification.objects.filter(pk=older.pk).update(created_at=timezone.now() - datetime.timedelta(minutes=6))
    redis_server.stop()  # Redis down: the broker's socket is gone
    assert notifications_requeue_stale()["requeued"] == 0
    assert caplog.text.count("could not queue") == 1  # the first refusal ends the sweep
    for row in (old, older):
        row.refresh_from_db()
        assert row.requeued_at is None and row.status == NotificationStatus.PENDING


def test_a_notification_deleted_before_delivery_is_skipped():
    notification = create()
    notification.client.delete()
    assert notification_deliver(notification_id=notification.pk).status == "skipped"
    assert sms.outbox == []


# Uncertain deliveries: the answer was lost after the request left.

@pytest.fixture
def at_provider(settings):
    with FakeAfricasTalking() as provider:
        settings.SMS_BACKEND, settings.AFRICASTALKING_BASE_URL = AT, provider.base_url
        settings.AFRICASTALKING_USERNAME, settings.AFRICASTALKING_API_KEY = "ndegwa", "test-key"
        settings.AFRICASTALKING_TIMEOUT = 0.5
        yield provider


def test_a_lost_answer_leaves_the_row_failed_uncertain_and_it_is_never_sent_again(at_provider):
    at_provider.hang_rate, at_provider.hang_seconds = 1.0, 1.5
    notification = create()
    assert notification_deliver(notification_id=notification.pk).status == "uncertain"
    notification.refresh_from_db()
    assert (notification.status, notification.delivery_uncertain) == (NotificationStatus.FAILED, True)
    assert notification.error.startswith("delivery uncertain: no answer from Africa's Talking")
    assert notification.error.endswith("not resent automatically (a person may resend it)")
    # Nothing automatic picks it up again: a repeated task, the sweeper, the staff "retry failed" path.
    at_provider.hang_rate = 0.0
    assert notification_deliver(notification_id=notification.pk).status == "skipped"
    notifications_requeue_stale(older_than_seconds=0)
    assert notification_retry(notification=notification) is False
    assert len(at_provider.requests) == 1


def test_a_person_resends_an_uncertain_row_once_and_a_second_press_does_nothing(
    at_provider, django_capture_on_commit_callbacks,
):
    at_provider.drop_rate = 1.0
    notification = create()
    assert notification_deliver(notification_id=notification.pk).status == "uncertain"
    at_provider.drop_rate = 0.0
    with django_capture_on_commit_callbacks() as callbacks:
        assert notification_resend_uncertain(notification=notification) is True
        assert notification_resend_uncertain(notification=notification) is False
    assert len(callbacks) == 1  # one delivery queued
    assert notification_deliver(notification_id=notification.pk).status == "sent"
    notification.refresh_from_db()
    assert (notification.status, notification.delivery_uncertain, notification.error) == (NotificationStatus.SENT, False, "")
    assert notification_resend_uncertain(notification=notification) is False
    assert len(at_provider.accepted) == 2  # the lost one and the deliberate resend: nothing more

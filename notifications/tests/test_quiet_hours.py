"""Quiet hours, with a fixed clock: django.utils.timezone.now, which the services read, is set to the
minute under test (the database's own timestamps are left alone)."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from clients.tests.factories import ClientFactory
from concierge.processes import queued_args
from notifications.backends import sms
from notifications.models import MessageCategory, Notification, NotificationStatus, NotificationType
from notifications.quiet_hours import quiet_hours_end
from notifications.services import notification_create, notification_deliver, notifications_requeue_stale
from notifications.tasks import deliver_notification

pytestmark = pytest.mark.django_db
NAIROBI = ZoneInfo("Africa/Nairobi")
# A day after any test run: the sweeper compares the clock with created_at, which the database writes.
EVENING = datetime.date(2027, 3, 10)
MORNING = EVENING + datetime.timedelta(days=1)


def at(day, hhmm, second=0):
    hours, minutes = map(int, hhmm.split(":"))
    return datetime.datetime(day.year, day.month, day.day, hours, minutes, second, tzinfo=NAIROBI)


@pytest.fixture(autouse=True)
def nairobi_quiet_hours(settings):
    settings.QUIET_HOURS_START, settings.QUIET_HOURS_END = "21:00", "07:00"
    sms.outbox.clear()


@pytest.fixture
def clock(monkeypatch):
    """clock.set(datetime): what timezone.now() answers from then on."""

    class Clock:
        def set(self, moment):
            monkeypatch.setattr(timezone, "now", lambda: moment.astimezone(datetime.UTC))

    return Clock()


@pytest.mark.parametrize("moment, end", [
    (at(EVENING, "20:59", 59), None),
    (at(EVENING, "21:00"), at(MORNING, "07:00")),
    (at(EVENING, "23:59", 59), at(MORNING, "07:00")),
    (at(MORNING, "00:00"), at(MORNING, "07:00")),
    (at(MORNING, "06:59", 59), at(MORNING, "07:00")),
    (at(MORNING, "07:00"), None),
    (at(MORNING, "12:00"), None),
])
def test_the_quiet_hours_run_from_21_00_to_07_00_nairobi_time(moment, end):
    assert quiet_hours_end(at=moment) == end
    # The same instant in UTC (18:00 UTC is 21:00 in Nairobi) gives the same answer.
    assert quiet_hours_end(at=moment.astimezone(datetime.UTC)) == end


def test_the_window_comes_from_the_settings(settings):
    settings.QUIET_HOURS_START, settings.QUIET_HOURS_END = "13:00", "14:00"
    assert quiet_hours_end(at=at(EVENING, "12:59")) is None
    assert quiet_hours_end(at=at(EVENING, "13:00")) == at(EVENING, "14:00")
    assert quiet_hours_end(at=at(EVENING, "14:00")) is None
    settings.QUIET_HOURS_START = settings.QUIET_HOURS_END = "00:00"  # equal: none at all
    assert quiet_hours_end(at=at(EVENING, "23:00")) is None


def text(category, channel=NotificationType.SMS):
    return notification_create(channel=channel, client=ClientFactory(phone="+254712345678"),
                               message=f"a {category} message", category=category)


@pytest.mark.parametrize("category", [MessageCategory.REMINDER, MessageCategory.MARKETING])
def test_a_reminder_or_offer_written_at_night_is_held_until_07_00_and_then_sent(
        clock, category, django_capture_on_commit_callbacks, settings):
    clock.set(at(EVENING, "21:30"))
    with django_capture_on_commit_callbacks() as queued:
        held = text(category)
    assert (held.status, held.next_attempt_at) == (NotificationStatus.PENDING, at(MORNING, "07:00"))
    assert queued == []  # not queued for the night: the sweeper queues it in the morning
    assert notification_deliver(notification_id=held.pk).status == "skipped"

    clock.set(at(MORNING, "06:59", 59))
    assert notification_deliver(notification_id=held.pk).status == "skipped"
    assert sms.outbox == []

    clock.set(at(MORNING, "07:00"))
    assert notification_deliver(notification_id=held.pk).status == "sent"
    assert sms.outbox == [("+254712345678", f"a {category} message")]


def test_a_service_message_goes_at_night(clock, django_capture_on_commit_callbacks):
    clock.set(at(EVENING, "23:15"))
    with django_capture_on_commit_callbacks() as queued:
        ready = text(MessageCategory.SERVICE)
    assert ready.next_attempt_at is None and len(queued) == 1
    assert notification_deliver(notification_id=ready.pk).status == "sent"


def test_emails_are_not_held(clock):
    clock.set(at(EVENING, "22:00"))
    email = text(MessageCategory.REMINDER, channel=NotificationType.EMAIL)
    assert email.next_attempt_at is None


def test_a_reminder_written_at_20_59_goes_at_once(clock):
    clock.set(at(EVENING, "20:59", 59))
    reminder = text(MessageCategory.REMINDER)
    assert reminder.next_attempt_at is None
    assert notification_deliver(notification_id=reminder.pk).status == "sent"


def test_a_reminder_reaching_the_worker_after_21_00_is_held_again_not_sent(clock):
    clock.set(at(EVENING, "20:59", 59))
    reminder = text(MessageCategory.REMINDER)
    clock.set(at(EVENING, "21:00"))  # the worker was busy: it claims it a second later
    assert notification_deliver(notification_id=reminder.pk).status == "held"
    reminder.refresh_from_db()
    assert (reminder.status, reminder.claimed_at, reminder.attempts) == (NotificationStatus.PENDING, None, 0)
    assert reminder.next_attempt_at == at(MORNING, "07:00")
    assert sms.outbox == []


def test_the_sweeper_queues_held_messages_at_07_00_not_before(clock, redis_server):
    clock.set(at(EVENING, "22:00"))
    held = text(MessageCategory.REMINDER)
    clock.set(at(MORNING, "06:59", 59))
    assert notifications_requeue_stale(older_than_seconds=0)["requeued"] == 0
    clock.set(at(MORNING, "07:00"))
    assert notifications_requeue_stale(older_than_seconds=0)["requeued"] == 1
    assert queued_args(redis_server, deliver_notification) == [[str(held.pk)]]
    assert Notification.objects.get(pk=held.pk).status == NotificationStatus.PENDING

import datetime
from decimal import Decimal

import pytest

from notifications.models import Notification, NotificationStatus, NotificationType
from notifications.tests.factories import NotificationFactory
from reports.periods import SHOP_TZ
from reports.selectors import (
    failure_reasons,
    notifications_by_channel,
    notifications_by_week,
)

from .builders import MARCH, place_notification

pytestmark = pytest.mark.django_db


def _sent(channel, status, month, dom, hour=12):
    place_notification(NotificationFactory(channel=channel, status=status), datetime.datetime(2026, month, dom, hour, tzinfo=SHOP_TZ))


def test_outcomes_by_channel_list_every_channel():
    _sent(NotificationType.SMS, NotificationStatus.SENT, 3, 2)
    _sent(NotificationType.SMS, NotificationStatus.SENT, 3, 3)
    _sent(NotificationType.SMS, NotificationStatus.FAILED, 3, 4)
    _sent(NotificationType.EMAIL, NotificationStatus.PENDING, 3, 5)
    _sent(NotificationType.EMAIL, NotificationStatus.FAILED, 2, 5)  # February

    rows = {r["channel"]: r for r in notifications_by_channel(period=MARCH)}

    assert [(r["sent"], r["failed"], r["pending"], r["total"]) for r in rows.values()] == [
        (2, 1, 0, 3), (0, 0, 1, 1), (0, 0, 0, 0),
    ]
    assert list(rows) == ["SMS", "email", "in_app"]
    assert rows["SMS"]["delivery_rate"] == Decimal(2) / Decimal(3)
    assert rows["email"]["delivery_rate"] is None  # only pending: no outcome yet


def test_outcomes_by_week_start_on_nairobi_mondays():
    # Monday 2 March 2026, 01:00 in Nairobi is Sunday 1 March 22:00 UTC: still the week of 2 March.
    _sent(NotificationType.SMS, NotificationStatus.SENT, 3, 2, hour=1)
    _sent(NotificationType.SMS, NotificationStatus.FAILED, 3, 8)  # Sunday: same week
    _sent(NotificationType.IN_APP, NotificationStatus.SENT, 3, 9)

    weeks = notifications_by_week(period=MARCH)

    assert [(w["week"], w["sent"], w["failed"], w["total"]) for w in weeks] == [
        (datetime.date(2026, 3, 2), 1, 1, 2),
        (datetime.date(2026, 3, 9), 1, 0, 1),
    ]


def test_failure_reasons_rank_the_most_frequent_first():
    for reason, count in (("Invalid number", 2), ("Mailbox full", 1)):
        for _ in range(count):
            note = NotificationFactory(status=NotificationStatus.FAILED)
            place_notification(note, datetime.datetime(2026, 3, 4, 12, tzinfo=SHOP_TZ))
            Notification.objects.filter(pk=note.pk).update(error=reason)
    # A failure with no reason recorded (the column's default, "") is not a reason.
    place_notification(NotificationFactory(status=NotificationStatus.FAILED), datetime.datetime(2026, 3, 4, 12, tzinfo=SHOP_TZ))
    assert [(r["reason"], r["failures"]) for r in failure_reasons(period=MARCH)] == [
        ("Invalid number", 2), ("Mailbox full", 1),
    ]

import datetime
from decimal import Decimal

import pytest

from notifications.models import DeliveryState, Notification, NotificationStatus, NotificationType
from notifications.tests.factories import NotificationFactory
from reports.periods import SHOP_TZ
from reports.selectors import (
    delivery_failure_reasons,
    failure_reasons,
    notifications_by_channel,
    notifications_by_week,
    sms_delivery,
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


def _sms(status, delivery_state="", reason="", dom=4):
    note = NotificationFactory(channel=NotificationType.SMS, status=status, delivery_state=delivery_state,
                               delivery_reason=reason)
    place_notification(note, datetime.datetime(2026, 3, dom, 12, tzinfo=SHOP_TZ))
    return note


def test_sms_delivery_rate_counts_what_the_network_delivered_of_the_known_outcomes():
    for _ in range(3):
        _sms(NotificationStatus.SENT, DeliveryState.DELIVERED)
    _sms(NotificationStatus.SENT, DeliveryState.FAILED, "AbsentSubscriber")
    _sms(NotificationStatus.FAILED)  # refused before the network: not delivered either
    _sms(NotificationStatus.SENT, DeliveryState.PENDING)  # at the network: no outcome yet
    _sms(NotificationStatus.SENT)  # no report yet: no outcome yet
    _sms(NotificationStatus.PENDING)
    _sms(NotificationStatus.SENT, DeliveryState.DELIVERED, dom=1)  # 1 March: in the period
    place_notification(NotificationFactory(channel=NotificationType.SMS, delivery_state=DeliveryState.DELIVERED),
                       datetime.datetime(2026, 2, 20, 12, tzinfo=SHOP_TZ))  # February: not counted
    # Email is sent without delivery reports: not in these figures.
    place_notification(NotificationFactory(channel=NotificationType.EMAIL, status=NotificationStatus.FAILED),
                       datetime.datetime(2026, 3, 4, 12, tzinfo=SHOP_TZ))

    (row,) = sms_delivery(period=MARCH)

    assert {k: row[k] for k in ("delivered", "not_delivered", "refused", "at_network", "no_report", "pending",
                                "total")} == {
        "delivered": 4, "not_delivered": 1, "refused": 1, "at_network": 1, "no_report": 1, "pending": 1, "total": 9,
    }
    assert row["delivery_rate"] == Decimal(4) / Decimal(6)


def test_sms_delivery_rate_is_empty_without_known_outcomes():
    _sms(NotificationStatus.SENT)
    assert sms_delivery(period=MARCH)[0]["delivery_rate"] is None


def test_delivery_failure_reasons_rank_the_networks_reasons():
    for reason, count in (("AbsentSubscriber", 3), ("InsufficientCredit", 1), ("", 2)):
        for _ in range(count):
            _sms(NotificationStatus.SENT, DeliveryState.FAILED, reason)
    _sms(NotificationStatus.SENT, DeliveryState.DELIVERED)
    _sms(NotificationStatus.FAILED)  # the provider's refusal: in failure_reasons, not here

    assert [(r["reason"], r["failures"]) for r in delivery_failure_reasons(period=MARCH)] == [
        ("AbsentSubscriber", 3), ("(no reason given)", 2), ("InsufficientCredit", 1),
    ]

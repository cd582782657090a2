"""Notifications: outcomes by channel and by week, and why messages failed."""

from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import TruncWeek

from notifications.models import DeliveryState, Notification, NotificationStatus, NotificationType
from reports.routers import reads_reports

from ..periods import SHOP_TZ, Period
from .figures import ratio


def notification_time_field() -> str:
    """The column placing a notification in a period: created_at (when it was written), which every
    row has. sent_at stays NULL until a message is actually sent, so counting by it would drop failed
    and pending messages from their period."""
    return "created_at"


def in_period(period: Period) -> Q:
    """Q for notifications of `period`: a half-open range, so the column's index applies."""
    field = notification_time_field()
    return Q(**{f"{field}__gte": period.start_at, f"{field}__lt": period.end_before})


def _in_period(notifications: QuerySet[Notification] | None, period: Period) -> QuerySet[Notification]:
    notifications = Notification.objects.all() if notifications is None else notifications
    return notifications.filter(in_period(period))


def row_count(filter: Q | None = None) -> Count:
    """Count rows by created_at (never NULL), not by id: the id is not in notifications_report_idx
    (created_at, status, type), so COUNT(id) made PostgreSQL visit every row of the period in the
    table (a bitmap heap scan of a month of messages) where the index alone answers.
    (Django has no COUNT(*) with a FILTER.)"""
    return Count(notification_time_field(), filter=filter)


def _outcome_counts() -> dict[str, Count]:
    return {
        "sent": row_count(Q(status=NotificationStatus.SENT)),
        "failed": row_count(Q(status=NotificationStatus.FAILED)),
        "pending": row_count(Q(status=NotificationStatus.PENDING)),
        "total": row_count(),
    }


def _with_rate(row: dict[str, Any]) -> dict[str, Any]:
    # Pending messages have no outcome yet: the rate is sent / (sent + failed).
    row["delivery_rate"] = ratio(row["sent"], row["sent"] + row["failed"])
    return row


@reads_reports
def notifications_by_channel(
    *, period: Period, notifications: QuerySet[Notification] | None = None
) -> list[dict[str, Any]]:
    """Sent / failed / pending per channel in `period`, every channel listed."""
    rows = {
        row["channel"]: row
        for row in _in_period(notifications, period).values("channel").annotate(**_outcome_counts())
    }
    empty = {"sent": 0, "failed": 0, "pending": 0, "total": 0}
    return [
        _with_rate({**rows.get(value, empty), "channel": value, "channel_label": label})
        for value, label in NotificationType.choices
    ]


@reads_reports
def notifications_by_week(
    *, period: Period, notifications: QuerySet[Notification] | None = None
) -> list[dict[str, Any]]:
    """Sent / failed / pending per week (weeks start on Monday, in Africa/Nairobi) in `period`."""
    rows = (
        _in_period(notifications, period)
        .annotate(week=TruncWeek(notification_time_field(), tzinfo=SHOP_TZ))
        .values("week")
        .annotate(**_outcome_counts())
        # No ORDER BY in SQL: with one, PostgreSQL sorted every message of the period by week
        # (spilling to disk past work_mem at scale 10) instead of hashing them into a few weeks.
        .order_by()
    )
    return sorted((_with_rate({**row, "week": row["week"].date()}) for row in rows), key=lambda row: row["week"])


@reads_reports
def failure_reasons(
    *, period: Period, notifications: QuerySet[Notification] | None = None, limit: int = 10
) -> list[dict[str, Any]]:
    """The most frequent failure reasons in `period` (the provider's or our own, kept in `error`)."""
    return [
        dict(row)
        for row in _in_period(notifications, period)
        .filter(status=NotificationStatus.FAILED)
        .exclude(error="")
        .values(reason=F("error"))
        .annotate(failures=row_count())
        .order_by("-failures", "reason")[:limit]
    ]


@reads_reports
def sms_delivery(*, period: Period, notifications: QuerySet[Notification] | None = None) -> list[dict[str, Any]]:
    """What happened to the period's text messages, as the network reported it (delivery reports).

    The delivery rate is delivered / (delivered + not delivered + refused before the network): of
    the texts whose fate is known, the share that reached a phone. Texts the provider took and no
    final report has come for yet (at the network, or no report yet), and texts still pending, have
    no outcome yet. One index-only scan of notifications_delivery_idx (SMS rows of the period)."""
    row = _in_period(notifications, period).filter(channel=NotificationType.SMS).aggregate(
        delivered=row_count(Q(status=NotificationStatus.SENT, delivery_state=DeliveryState.DELIVERED)),
        not_delivered=row_count(Q(status=NotificationStatus.SENT, delivery_state=DeliveryState.FAILED)),
        refused=row_count(Q(status=NotificationStatus.FAILED)),
        at_network=row_count(Q(status=NotificationStatus.SENT, delivery_state=DeliveryState.PENDING)),
        no_report=row_count(Q(status=NotificationStatus.SENT, delivery_state="")),
        pending=row_count(Q(status=NotificationStatus.PENDING)),
        total=row_count(),
    )
    known = row["delivered"] + row["not_delivered"] + row["refused"]
    return [{**row, "delivery_rate": ratio(row["delivered"], known)}]


NO_REASON = "(no reason given)"


@reads_reports
def delivery_failure_reasons(
    *, period: Period, notifications: QuerySet[Notification] | None = None, limit: int = 10,
) -> list[dict[str, Any]]:
    """The most frequent reasons the network gave for texts it did not deliver (failureReason of the
    Failed and Rejected delivery reports), most frequent first."""
    rows = (
        _in_period(notifications, period)
        .filter(channel=NotificationType.SMS, status=NotificationStatus.SENT, delivery_state=DeliveryState.FAILED)
        .values(reason=F("delivery_reason"))
        .annotate(failures=row_count())
        .order_by("-failures", "reason")[:limit]
    )
    return [{**row, "reason": row["reason"] or NO_REASON} for row in rows]

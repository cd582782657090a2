"""Notifications: outcomes by channel and by week, and why messages failed."""

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Count, F, Q
from django.db.models.functions import TruncWeek

from notifications.models import Notification, NotificationStatus, NotificationType
from reports.routers import reads_reports

from ..periods import SHOP_TZ
from .figures import ratio

# The notifications engine (issue #4) records why a delivery failed in this column. Until it exists,
# failure_reasons() returns None and the page says reasons are not recorded yet; once the column
# lands the figure appears with no change here.
FAILURE_REASON_FIELD = "error"


def notification_time_field():
    """The column placing a notification in a period. The seed's sent_at is set on every row
    (DEFAULT CURRENT_TIMESTAMP); the notifications engine (#4) leaves it NULL until a message is
    actually sent, and adds created_at (when it was written), which every row has. Once that column
    exists, reports count by it, so failed and pending messages stay in their period."""
    try:
        Notification._meta.get_field("created_at")
    except FieldDoesNotExist:
        return "sent_at"
    return "created_at"


def in_period(period):
    """Q for notifications of `period`: a half-open range, so the column's index applies."""
    field = notification_time_field()
    return Q(**{f"{field}__gte": period.start_at, f"{field}__lt": period.end_before})


def _in_period(notifications, period):
    notifications = Notification.objects.all() if notifications is None else notifications
    return notifications.filter(in_period(period))


def _outcome_counts():
    return {
        "sent": Count("pk", filter=Q(status=NotificationStatus.SENT)),
        "failed": Count("pk", filter=Q(status=NotificationStatus.FAILED)),
        "pending": Count("pk", filter=Q(status=NotificationStatus.PENDING)),
        "total": Count("pk"),
    }


def _with_rate(row):
    # Pending messages have no outcome yet: the rate is sent / (sent + failed).
    row["delivery_rate"] = ratio(row["sent"], row["sent"] + row["failed"])
    return row


@reads_reports
def notifications_by_channel(*, period, notifications=None):
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
def notifications_by_week(*, period, notifications=None):
    """Sent / failed / pending per week (weeks start on Monday, in Africa/Nairobi) in `period`."""
    rows = (
        _in_period(notifications, period)
        .annotate(week=TruncWeek(notification_time_field(), tzinfo=SHOP_TZ))
        .values("week")
        .annotate(**_outcome_counts())
        .order_by("week")
    )
    return [_with_rate({**row, "week": row["week"].date()}) for row in rows]


def failure_reasons_recorded():
    try:
        Notification._meta.get_field(FAILURE_REASON_FIELD)
    except FieldDoesNotExist:
        return False
    return True


@reads_reports
def failure_reasons(*, period, notifications=None, limit=10):
    """The most frequent failure reasons in `period`, or None while notifications record none."""
    if not failure_reasons_recorded():
        return None
    return list(
        _in_period(notifications, period)
        .filter(status=NotificationStatus.FAILED)
        .exclude(**{f"{FAILURE_REASON_FIELD}__isnull": True})
        .exclude(**{FAILURE_REASON_FIELD: ""})
        .values(reason=F(FAILURE_REASON_FIELD))
        .annotate(failures=Count("pk"))
        .order_by("-failures", "reason")[:limit]
    )

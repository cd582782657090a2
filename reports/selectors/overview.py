"""The overview: the shop's key figures for a period beside the period before."""

import datetime
from typing import Any

from django.db.models import Aggregate, Avg, Count, F, Q, QuerySet, Sum

from notifications.models import Notification, NotificationStatus
from reports.routers import reads_reports
from servicing.models import Service, ServiceStatus
from servicing.selectors import overdue_q

from ..periods import Period, shop_today
from .figures import Comparison, days, job_count, ratio, services_base
from .notifications import in_period as notifications_in_period
from .notifications import row_count


def _service_aggregates(prefix: str, period: Period) -> dict[str, Aggregate]:
    # The query's WHERE keeps completed jobs only, so each FILTER is by date alone: a FILTER naming
    # `status` made PostgreSQL read it from every row (the partial index does not store it), which
    # ruled out an index-only scan of services_completed_rpt_idx (a bitmap heap scan of 17 500 pages
    # for two months at scale 10).
    done = Q(completed_date__range=(period.start, period.end))
    scheduled = done & Q(scheduled_date__isnull=False)
    return {
        f"{prefix}_revenue": Sum("cost", filter=done, default=0),
        f"{prefix}_jobs": job_count(done),
        f"{prefix}_cars": Count("vehicle", filter=done, distinct=True),
        # date - date is a whole number of days in PostgreSQL; Django averages it as an interval.
        f"{prefix}_turnaround": Avg(F("completed_date") - F("scheduled_date"), filter=scheduled),
        f"{prefix}_scheduled_jobs": job_count(scheduled),
        f"{prefix}_on_time": job_count(scheduled & Q(completed_date__lte=F("scheduled_date"))),
    }


def _service_figures(row: dict[str, Any], prefix: str) -> dict[str, Any]:
    revenue, jobs = row[f"{prefix}_revenue"], row[f"{prefix}_jobs"]
    return {
        "revenue": revenue,
        "car_count": row[f"{prefix}_cars"],
        "average_repair_order": ratio(revenue, jobs),
        "jobs_completed": jobs,
        "average_turnaround_days": days(row[f"{prefix}_turnaround"]),
        "on_time_rate": ratio(row[f"{prefix}_on_time"], row[f"{prefix}_scheduled_jobs"]),
    }


def _delivery_aggregates(prefix: str, period: Period) -> dict[str, Aggregate]:
    during = notifications_in_period(period)
    return {
        f"{prefix}_sent": row_count(during & Q(status=NotificationStatus.SENT)),
        f"{prefix}_decided": row_count(during & Q(status__in=[NotificationStatus.SENT, NotificationStatus.FAILED])),
    }


@reads_reports
def overview(
    *,
    period: Period,
    services: QuerySet[Service] | None = None,
    notifications: QuerySet[Notification] | None = None,
    today: datetime.date | None = None,
) -> dict[str, Comparison]:
    """Key figures for `period` and the period before it, as {name: Comparison}.

    Three queries whatever the data size: completed services (both periods at once, by conditional
    aggregation), open jobs overdue now, and notification outcomes (both periods at once).
    """
    previous = period.previous()
    today = today or shop_today()
    services = services_base(services)

    row = services.filter(
        status=ServiceStatus.COMPLETED, completed_date__range=(previous.start, period.end)
    ).aggregate(**_service_aggregates("cur", period), **_service_aggregates("prev", previous))
    current_figures, previous_figures = _service_figures(row, "cur"), _service_figures(row, "prev")

    # "Overdue now" has no previous value: it is a count of today's open jobs past their date, by the
    # same rule as the staff home page's tile.
    overdue = services.filter(overdue_q(today=today)).count()

    notifications = Notification.objects.all() if notifications is None else notifications
    sent = notifications.filter(notifications_in_period(Period(previous.start, period.end))).aggregate(
        **_delivery_aggregates("cur", period), **_delivery_aggregates("prev", previous)
    )

    figures = {name: Comparison(current_figures[name], previous_figures[name]) for name in current_figures}
    figures["overdue_now"] = Comparison(overdue, None)
    # Pending messages have no outcome yet, so they count on neither side of the rate.
    figures["notification_delivery_rate"] = Comparison(
        ratio(sent["cur_sent"], sent["cur_decided"]), ratio(sent["prev_sent"], sent["prev_decided"])
    )
    return figures

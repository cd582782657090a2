"""Reads about service jobs: the job board and the staff home page."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone

from notifications.models import Notification, NotificationStatus

from .lifecycle import next_status
from .models import Service, ServiceStatus

OPEN_STATUSES = (ServiceStatus.PENDING, ServiceStatus.IN_PROGRESS)


def overdue_q(*, today):
    """Scheduled before today and neither completed nor cancelled."""
    return Q(scheduled_date__lt=today, status__in=OPEN_STATUSES)


@dataclass
class BoardCard:
    service: Service
    overdue: bool
    waiting_since: datetime.datetime
    next_status: ServiceStatus | None


@dataclass
class BoardColumn:
    status: ServiceStatus
    cards: list


def board_columns(*, today=None, now=None):
    """Today's jobs and the overdue ones, one column per status, in one query.

    A card's waiting time runs from the shop's opening on the scheduled day (or from the booking, if the
    job was booked later that day); once in progress, from the last change to the job.
    """
    today = today or timezone.localdate()
    now = now or timezone.now()
    services = (
        Service.objects.filter(
            Q(scheduled_date=today) | overdue_q(today=today) | Q(status=ServiceStatus.COMPLETED, completed_date=today)
        )
        .select_related("vehicle__client")
        .order_by("scheduled_date", "created_at")
    )
    columns = {status: BoardColumn(status=status, cards=[]) for status in ServiceStatus}
    for service in services:
        columns[ServiceStatus(service.status)].cards.append(
            BoardCard(
                service=service,
                overdue=bool(service.scheduled_date and service.scheduled_date < today
                             and service.status in OPEN_STATUSES),
                waiting_since=_waiting_since(service, today=today),
                next_status=next_status(service.status),
            )
        )
    return list(columns.values())


SHOP_OPENS = datetime.time(8)


def _waiting_since(service, *, today):
    if service.status == ServiceStatus.IN_PROGRESS:
        return service.updated_at
    if not service.scheduled_date:
        return service.created_at
    opening = timezone.make_aware(datetime.datetime.combine(service.scheduled_date, SHOP_OPENS))
    if service.scheduled_date < today:
        return opening
    return max(service.created_at, opening)


def dashboard_counts(*, today=None):
    """What the staff home page shows: two queries whatever the size of the books."""
    today = today or timezone.localdate()
    counts = Service.objects.aggregate(
        today=Count("id", filter=Q(scheduled_date=today)),
        in_progress=Count("id", filter=Q(status=ServiceStatus.IN_PROGRESS)),
        overdue=Count("id", filter=overdue_q(today=today)),
    )
    counts["failed_notifications"] = Notification.objects.filter(status=NotificationStatus.FAILED).count()
    return counts

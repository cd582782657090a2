"""Clients: who is new, who comes back and what they bring, and who has not been seen for a while."""

import datetime
from typing import TYPE_CHECKING, Any, TypedDict

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth

from clients.models import Client
from reports.models import ClientVisits
from reports.routers import reads_reports
from servicing.models import Service, ServiceStatus

from ..periods import SHOP_TZ, Period, add_months, month_start, shop_today
from .figures import completed_in, job_count, ratio

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

LAPSED_AFTER_MONTHS = 6


class LapsedAnnotations(TypedDict):
    """What lapsed_clients() adds to each client, from report_client_visits."""

    last_visit: datetime.date
    completed_jobs: int


@reads_reports
def new_clients_by_month(*, start: datetime.date, end: datetime.date) -> list[dict[str, Any]]:
    """Clients created per calendar month (Africa/Nairobi) from `start` to `end`, every month listed.
    Reads only clients.created_at (its index), never the encrypted contact columns."""
    period = Period(start, end)
    rows = (
        Client.objects.filter(created_at__gte=period.start_at, created_at__lt=period.end_before)
        .annotate(month=TruncMonth("created_at", tzinfo=SHOP_TZ))
        .values("month")
        # created_at, not the id: the rows are counted from clients_created_at_idx alone.
        .annotate(clients=Count("created_at"))
        .order_by("month")
    )
    by_month = {row["month"].date(): row["clients"] for row in rows}
    months: list[dict[str, Any]] = []
    month = month_start(start)
    while month <= end:
        months.append({"month": month, "new_clients": by_month.get(month, 0)})
        month = add_months(month, 1)
    return months


@reads_reports
def returning_clients(*, period: Period, services: QuerySet[Service] | None = None) -> dict[str, Any]:
    """Among clients with a completed job in `period`: how many are returning (more than one
    completed job up to the period's end) and their share of the period's revenue. With a service
    type filter, both counts are of jobs of that type."""
    services = Service.objects.all() if services is None else services
    # "More than one completed job up to the period's end" is "more than one in the period, or one
    # before it". The period's jobs come from a range of services_completed_rpt_idx; "one before"
    # is the client's first visit (report_client_visits), or, when the jobs are filtered by type,
    # a job of that type before the period. Counting every client's jobs to date read the whole
    # history instead (1.2 s at scale 10).
    came_before: QuerySet[Service] | QuerySet[ClientVisits]
    if services.query.has_filters():
        came_before = services.filter(
            status=ServiceStatus.COMPLETED, completed_date__lt=period.start, vehicle__client=OuterRef("client")
        )
    else:
        came_before = ClientVisits.objects.filter(client=OuterRef("client"), first_visit__lt=period.start)
    per_client = (
        services.filter(completed_in(period))
        .values(client=F("vehicle__client"))
        .annotate(period_jobs=job_count(), period_revenue=Sum("cost"), came_before=Exists(came_before))
    )
    returning = Q(period_jobs__gt=1) | Q(came_before=True)
    # Aggregating over annotated aggregates: Django wraps the per-client query in a subquery.
    totals = per_client.aggregate(
        clients=Count("client"),
        returning=Count("client", filter=returning),
        revenue=Sum("period_revenue", default=0),
        returning_revenue=Sum("period_revenue", filter=returning, default=0),
    )
    totals["returning_share_of_clients"] = ratio(totals["returning"], totals["clients"])
    totals["returning_share_of_revenue"] = ratio(totals["returning_revenue"], totals["revenue"])
    return totals


def lapsed_clients(
    *, today: datetime.date | None = None, months: int = LAPSED_AFTER_MONTHS
) -> "QuerySet[WithAnnotations[Client, LapsedAnnotations]]":
    """The call list: clients whose last completed job is `months` or more ago and who have nothing
    booked or on the bench now, longest unseen first. A queryset, so the page can paginate it; it is
    evaluated by the caller inside `reading_reports()`.

    Read from report_client_visits (last visit, open jobs), which the database keeps current: a page
    is a walk of its partial index on last_visit, where working out every client's last visit from
    their jobs and sorting them took 0.7 s at scale 10 (docs/reports.md, "Client visits")."""
    today = today or shop_today()
    cutoff = add_months(today, -months)
    return (
        Client.objects.filter(report_visits__last_visit__lte=cutoff, report_visits__open_jobs=0)
        .annotate(last_visit=F("report_visits__last_visit"), completed_jobs=F("report_visits__completed_jobs"))
        # Only what the call list shows: the email's ciphertext is never read or decrypted here.
        .only("first_name", "last_name", "phone")
        .order_by("last_visit", "last_name", "first_name", "pk")
    )

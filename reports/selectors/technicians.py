"""Per technician: the work they completed in a period and what is on their bench now."""

from typing import Any

from django.db.models import Avg, F, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from reports.routers import reads_reports
from reports.periods import Period
from servicing.models import Service, ServiceStatus

from .figures import completed_in, days, job_count, ratio, services_base

UNASSIGNED = "Unassigned"


@reads_reports
def technician_performance(*, period: Period, services: QuerySet[Service] | None = None) -> list[dict[str, Any]]:
    """One row per technician (jobs with none are grouped as "Unassigned"): jobs completed in
    `period`, revenue, average repair order, average turnaround in days, jobs in progress now.

    Two queries, one per index: the period's completed jobs (services_completed_rpt_idx, which
    carries technician, cost and dates: index-only) and the jobs in progress now
    (services_status_sched_idx). As one query with `completed OR in progress` PostgreSQL had to read
    every one of those jobs from the table (~13 000 pages for a month at scale 10)."""
    services = services_base(services)
    name = Coalesce(F("technician"), Value(UNASSIGNED))
    done = (
        services.filter(completed_in(period))
        .values(name=name)
        .annotate(
            jobs_completed=job_count(),
            revenue=Sum("cost", default=0),
            turnaround=Avg(F("completed_date") - F("scheduled_date"), filter=Q(scheduled_date__isnull=False)),
        )
        .order_by()
    )
    on_bench = (
        services.filter(status=ServiceStatus.IN_PROGRESS).values(name=name).annotate(n=job_count()).order_by()
    )
    rows: dict[str, dict[str, Any]] = {row["name"]: {**row, "in_progress_now": 0} for row in done}
    for row in on_bench:  # one row per technician
        rows.setdefault(row["name"], {"name": row["name"], "jobs_completed": 0, "revenue": 0, "turnaround": None})
        rows[row["name"]]["in_progress_now"] = row["n"]
    for technician in rows.values():
        technician["average_repair_order"] = ratio(technician["revenue"], technician["jobs_completed"])
        technician["average_turnaround_days"] = days(technician.pop("turnaround"))
    return sorted(rows.values(), key=lambda row: (-row["revenue"], -row["jobs_completed"], row["name"]))

"""Per technician: the work they completed in a period and what is on their bench now."""

from django.db.models import Avg, F, Q, Sum, Value
from django.db.models.functions import Coalesce

from reports.routers import reads_reports
from servicing.models import ServiceStatus

from .figures import completed_in, days, job_count, ratio, services_base

UNASSIGNED = "Unassigned"


@reads_reports
def technician_performance(*, period, services=None):
    """One row per technician (jobs with none are grouped as "Unassigned"): jobs completed in
    `period`, revenue, average repair order, average turnaround in days, jobs in progress now."""
    done = completed_in(period)
    in_progress = Q(status=ServiceStatus.IN_PROGRESS)
    rows = list(
        services_base(services)
        .filter(done | in_progress)
        .values(name=Coalesce(F("technician"), Value(UNASSIGNED)))
        .annotate(
            jobs_completed=job_count(done),
            revenue=Sum("cost", filter=done, default=0),
            turnaround=Avg(F("completed_date") - F("scheduled_date"), filter=done & Q(scheduled_date__isnull=False)),
            in_progress_now=job_count(in_progress),
        )
        .order_by("-revenue", "-jobs_completed", "name")
    )
    for row in rows:
        row["average_repair_order"] = ratio(row["revenue"], row["jobs_completed"])
        row["average_turnaround_days"] = days(row.pop("turnaround"))
    return rows

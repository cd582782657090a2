from decimal import Decimal

import pytest

from reports.selectors import technician_performance
from servicing.models import ServiceStatus
from servicing.tests.factories import ServiceFactory

from .builders import MARCH, completed, day

pytestmark = pytest.mark.django_db


def test_each_technician_gets_jobs_revenue_turnaround_and_bench():
    completed(cost=1000, on=day(3, 2), technician="Peter Kamau")
    completed(cost=3000, on=day(3, 6), scheduled=day(3, 2), technician="Peter Kamau")
    completed(cost=500, on=day(2, 6), technician="Peter Kamau")  # February
    ServiceFactory(status=ServiceStatus.IN_PROGRESS, technician="Peter Kamau", scheduled_date=day(1, 5))
    ServiceFactory(status=ServiceStatus.IN_PROGRESS, technician="Mary Atieno", scheduled_date=day(3, 5))
    completed(cost=2000, on=day(3, 3), technician=None)

    rows = {r["name"]: r for r in technician_performance(period=MARCH)}

    peter = rows["Peter Kamau"]
    assert (peter["jobs_completed"], peter["revenue"], peter["in_progress_now"]) == (2, Decimal("4000"), 1)
    assert peter["average_repair_order"] == Decimal("2000")
    assert peter["average_turnaround_days"] == Decimal("2.0")  # 0 and 4 days
    mary = rows["Mary Atieno"]
    assert (mary["jobs_completed"], mary["revenue"], mary["in_progress_now"]) == (0, 0, 1)
    assert mary["average_repair_order"] is None and mary["average_turnaround_days"] is None
    assert rows["Unassigned"]["revenue"] == Decimal("2000")
    assert list(rows) == ["Peter Kamau", "Unassigned", "Mary Atieno"]  # by revenue

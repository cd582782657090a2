"""The expected list's reads (forecasting.selectors): its count per week and type, and how it is read."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from forecasting.models import ServicePrediction
from forecasting.selectors import expected_by_week
from reports.tests.plans import explain, reads_only_index
from servicing.models import ServiceType

from .factories import car_with_history


def _due(car, type_name: str, day: datetime.date) -> ServicePrediction:
    return ServicePrediction.objects.create(
        vehicle=car, service_type=ServiceType.objects.get(name=type_name), km_per_day=40.0, rate_source="own",
        confidence="high", readings_used=5, last_service_date=day - datetime.timedelta(days=120),
        km_since_last=4_000, due_date=day, due_by="km",
    )


@pytest.fixture
def due_around_two_mondays():
    # 1 March 2026 is a Sunday, 2 and 9 March are Mondays.
    for type_name, day in [("Oil Change", 1), ("Oil Change", 2), ("Oil Change", 8), ("Wheel Alignment", 8),
                           ("Oil Change", 9), ("Oil Change", 31)]:
        _due(car_with_history(readings=[]), type_name, datetime.date(2026, 3, day))


@pytest.mark.django_db
def test_expected_services_are_counted_per_week_from_monday_and_per_type(due_around_two_mondays):
    weeks = expected_by_week(start=datetime.date(2026, 3, 1), end=datetime.date(2026, 3, 30))
    assert weeks == [
        {"week": datetime.date(2026, 2, 23), "service_type_name": "Oil Change", "cars": 1},
        {"week": datetime.date(2026, 3, 2), "service_type_name": "Oil Change", "cars": 2},
        {"week": datetime.date(2026, 3, 2), "service_type_name": "Wheel Alignment", "cars": 1},
        {"week": datetime.date(2026, 3, 9), "service_type_name": "Oil Change", "cars": 1},
    ]  # 31 March is outside the range


@pytest.mark.django_db(transaction=True)
@pytest.mark.owner_role  # VACUUM ANALYZE is the owner's
def test_expected_services_per_week_are_counted_from_the_due_date_index_alone(due_around_two_mondays):
    """About 40 000 cars due in a month at scale 10: counted per day and type from
    predictions_due_order_idx alone, never read from the table and truncated to weeks row by row
    (24 ms of the page before; docs/benchmarks.md, issue 19)."""
    # Most predictions due outside the range, as in a shop (a month of a year's): with six rows in all,
    # any index is as cheap to the planner as the range of the right one.
    from fleet.tests.factories import VehicleFactory

    types = list(ServiceType.objects.all())
    ServicePrediction.objects.bulk_create(
        ServicePrediction(vehicle=car, service_type=kind, km_per_day=40.0, rate_source="own", confidence="high",
                          last_service_date=datetime.date(2026, 1, 5), km_since_last=4_000,
                          due_date=datetime.date(2026, 5, 1) + datetime.timedelta(days=n % 60), due_by="km")
        for n, (car, kind) in enumerate((car, kind) for car in VehicleFactory.create_batch(40) for kind in types)
    )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE service_predictions")
    with CaptureQueriesContext(connection) as captured:
        expected_by_week(start=datetime.date(2026, 3, 1), end=datetime.date(2026, 3, 30))
    counted = [q["sql"] for q in captured if '"service_predictions"' in q["sql"]]
    (plan,) = explain(connection, counted)
    assert reads_only_index(connection, plan, "service_predictions", "predictions_due_order_idx"), plan
    assert "date_trunc" not in plan.lower(), plan

from decimal import Decimal

import pytest

from fleet.tests.factories import VehicleFactory
from reports.selectors import revenue_by_month, revenue_by_service_type, top_makes_and_models
from servicing.models import ServiceStatus
from servicing.tests.factories import ServiceFactory

from .builders import MARCH, completed, day

pytestmark = pytest.mark.django_db


def test_revenue_by_month_lists_every_month_with_its_totals():
    completed(cost=1000, on=day(1, 5))
    completed(cost=2000, on=day(1, 31))
    completed(cost=3000, on=day(3, 1))
    completed(cost=9999, on=day(4, 1))  # after the range
    ServiceFactory(status=ServiceStatus.PENDING, cost=Decimal("5000"), scheduled_date=day(2, 2))

    months = revenue_by_month(start=day(1, 1), end=day(3, 31))

    assert [(m["month"], m["revenue"], m["jobs"]) for m in months] == [
        (day(1, 1), Decimal("3000"), 2),
        (day(2, 1), 0, 0),
        (day(3, 1), Decimal("3000"), 1),
    ]
    assert months[0]["average_repair_order"] == Decimal("1500")
    assert months[1]["average_repair_order"] is None


def test_revenue_by_service_type_gives_jobs_revenue_and_share():
    completed(cost=1000, on=day(3, 2), service_type="Oil Change")
    completed(cost=2000, on=day(3, 3), service_type="Oil Change")
    completed(cost=6000, on=day(3, 4), service_type="Brake Repair")
    completed(cost=8000, on=day(2, 4), service_type="Brake Repair")  # February

    rows = revenue_by_service_type(period=MARCH)

    assert [(r["service_type"], r["jobs"], r["revenue"]) for r in rows] == [
        ("Brake Repair", 1, Decimal("6000")),
        ("Oil Change", 2, Decimal("3000")),
    ]
    assert rows[1]["average_repair_order"] == Decimal("1500")
    assert rows[0]["share"] == Decimal("6000") / Decimal("9000")


def test_top_makes_and_models_rank_by_jobs():
    probox = VehicleFactory(make="Toyota", model="Probox")
    completed(cost=1000, on=day(3, 2), vehicle=probox)
    completed(cost=1000, on=day(3, 9), vehicle=probox)
    completed(cost=2500, on=day(3, 3), vehicle=VehicleFactory(make="Toyota", model="Probox"))
    completed(cost=7000, on=day(3, 4), vehicle=VehicleFactory(make="Subaru", model="Forester"))

    rows = top_makes_and_models(period=MARCH)

    assert [(r["make"], r["model"], r["cars"], r["jobs"], r["revenue"]) for r in rows] == [
        ("Toyota", "Probox", 2, 3, Decimal("4500")),
        ("Subaru", "Forester", 1, 1, Decimal("7000")),
    ]


def test_revenue_tables_are_empty_for_an_empty_period():
    assert revenue_by_service_type(period=MARCH) == []
    assert top_makes_and_models(period=MARCH) == []

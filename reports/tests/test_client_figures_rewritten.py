"""The clients page's rewritten queries (returning clients from the period's jobs plus a "came
before?" probe; the call list as a walk over jobs) give the figures of their definitions, computed
here in Python from every job of a generated shop: many clients, several cars each, jobs of every
status on shared days, so ties and edge cases occur."""

import datetime
import random
from collections import defaultdict
from decimal import Decimal

import pytest

from clients.models import Client
from clients.tests.factories import ClientFactory
from fleet.tests.factories import VehicleFactory
from reports.periods import Period, add_months
from reports.selectors import lapsed_clients, returning_clients
from servicing.models import Service, ServiceStatus
from servicing.tests.factories import ServiceFactory

from .builders import MARCH, day

pytestmark = pytest.mark.django_db

TODAY = day(9, 15)
TYPES = ["Oil Change", "Brake Repair"]


@pytest.fixture
def shop():
    """30 clients with 1-3 cars and 0-3 jobs a car, over a year and a half, on 25 possible days (so
    clients share days and some have two jobs on their last day)."""
    rng = random.Random(8)
    days = [day(1, 1, year=2025) + datetime.timedelta(days=21 * n) for n in range(25)]
    for n in range(30):
        client = ClientFactory(last_name=rng.choice(["Otieno", "Wanjiku", "Kamau"]), first_name=f"C{n:02d}")
        for _ in range(rng.randint(1, 3)):
            car = VehicleFactory(client=client)
            for _ in range(rng.randint(0, 3)):
                status = rng.choice([ServiceStatus.COMPLETED] * 15 + [ServiceStatus.CANCELLED, ServiceStatus.PENDING])
                on = rng.choice(days)
                ServiceFactory(
                    vehicle=car, status=status, scheduled_date=on, service_type=rng.choice(TYPES),
                    completed_date=on if status == ServiceStatus.COMPLETED else None,
                    cost=Decimal(rng.randint(1, 20) * 500),
                )


def _jobs(service_type=None):
    jobs = Service.objects.values("vehicle__client", "status", "completed_date", "cost", "service_type")
    return [j for j in jobs if service_type is None or j["service_type"] == service_type]


def _returning_by_definition(period, service_type=None):
    done = [j for j in _jobs(service_type) if j["status"] == ServiceStatus.COMPLETED]
    to_date, in_period = defaultdict(int), defaultdict(Decimal)
    for job in done:
        if job["completed_date"] <= period.end:
            to_date[job["vehicle__client"]] += 1
        if period.start <= job["completed_date"] <= period.end:
            in_period[job["vehicle__client"]] += job["cost"]
    returning = [c for c in in_period if to_date[c] > 1]
    return {
        "clients": len(in_period), "returning": len(returning),
        "revenue": sum(in_period.values(), Decimal(0)),
        "returning_revenue": sum((in_period[c] for c in returning), Decimal(0)),
    }


def test_returning_clients_match_their_definition(shop):
    mixed = 0
    for start in (day(4, 1, year=2025), day(10, 1, year=2025), day(1, 1)):
        period = Period(start, add_months(start, 3) - datetime.timedelta(days=1))
        for service_type in (None, "Brake Repair"):
            services = Service.objects.filter(service_type=service_type) if service_type else None

            totals = returning_clients(period=period, services=services)

            expected = _returning_by_definition(period, service_type)
            assert {k: totals[k] for k in expected} == expected, (period, service_type)
            mixed += expected["clients"] > expected["returning"] > 0
    assert mixed >= 4  # the shop makes the test mean something: first-timers and returning clients


def test_a_job_before_the_period_on_another_car_makes_a_client_returning():
    client = ClientFactory()
    ServiceFactory(vehicle=VehicleFactory(client=client), status=ServiceStatus.COMPLETED,
                   scheduled_date=day(1, 5), completed_date=day(1, 5))
    ServiceFactory(vehicle=VehicleFactory(client=client), status=ServiceStatus.COMPLETED,
                   scheduled_date=day(3, 5), completed_date=day(3, 5))
    # A cancelled job before the period does not count as a visit.
    other = VehicleFactory()
    ServiceFactory(vehicle=other, status=ServiceStatus.CANCELLED, scheduled_date=day(2, 1))
    ServiceFactory(vehicle=other, status=ServiceStatus.COMPLETED, scheduled_date=day(3, 6), completed_date=day(3, 6))

    totals = returning_clients(period=MARCH)

    assert (totals["clients"], totals["returning"]) == (2, 1)


def _call_list_by_definition(today):
    cutoff = add_months(today, -6)
    last, count, open_ = {}, defaultdict(int), set()
    for job in _jobs():
        client = job["vehicle__client"]
        if job["status"] in (ServiceStatus.PENDING, ServiceStatus.IN_PROGRESS):
            open_.add(client)
        if job["status"] == ServiceStatus.COMPLETED:
            count[client] += 1
            last[client] = max(last.get(client, job["completed_date"]), job["completed_date"])
    names = {c.pk: (c.last_name, c.first_name) for c in Client.objects.all()}
    rows = [(c, d) for c, d in last.items() if d <= cutoff and c not in open_]
    rows.sort(key=lambda row: (row[1], *names[row[0]], row[0]))
    return [(c, d, count[c]) for c, d in rows]


def test_call_list_matches_its_definition_every_client_once(shop):
    for today in (day(3, 1), TODAY, day(3, 1, year=2027)):
        rows = [(c.pk, c.last_visit, c.completed_jobs) for c in lapsed_clients(today=today)]

        expected = _call_list_by_definition(today)
        assert len(expected) > 3
        assert rows == expected, today
        assert len({pk for pk, _, _ in rows}) == len(rows)


def test_call_list_pages_are_slices_of_the_whole_list(shop):
    whole = [c.pk for c in lapsed_clients(today=TODAY)]
    pages = [c.pk for n in range(0, len(whole) + 4, 4) for c in lapsed_clients(today=TODAY)[n:n + 4]]
    assert pages == whole


def test_two_jobs_on_a_clients_last_day_list_the_client_once():
    client = ClientFactory()
    for _ in range(2):
        ServiceFactory(vehicle=VehicleFactory(client=client), status=ServiceStatus.COMPLETED,
                       scheduled_date=day(2, 1), completed_date=day(2, 1))

    rows = [(c.pk, c.last_visit, c.completed_jobs) for c in lapsed_clients(today=TODAY)]

    assert rows == [(client.pk, day(2, 1), 2)]

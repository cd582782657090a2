import datetime
from decimal import Decimal

import pytest

from clients.models import Client
from clients.tests.factories import ClientFactory
from fleet.tests.factories import VehicleFactory
from reports.periods import SHOP_TZ
from reports.selectors import lapsed_clients, new_clients_by_month, returning_clients
from servicing.models import ServiceStatus
from servicing.tests.factories import ServiceFactory

from .builders import MARCH, completed, day

pytestmark = pytest.mark.django_db


def _client_created(at):
    client = ClientFactory()
    Client.objects.filter(pk=client.pk).update(created_at=at)
    return client


def test_new_clients_are_counted_by_nairobi_month():
    _client_created(datetime.datetime(2026, 1, 10, 9, tzinfo=SHOP_TZ))
    # 1 March 01:00 in Nairobi is 28 February 22:00 UTC: a March client.
    _client_created(datetime.datetime(2026, 3, 1, 1, tzinfo=SHOP_TZ))
    _client_created(datetime.datetime(2026, 3, 31, 23, tzinfo=SHOP_TZ))
    _client_created(datetime.datetime(2026, 4, 1, 0, 30, tzinfo=SHOP_TZ))  # April

    months = new_clients_by_month(start=day(1, 1), end=day(3, 31))

    assert [(m["month"], m["new_clients"]) for m in months] == [(day(1, 1), 1), (day(2, 1), 0), (day(3, 1), 2)]


def test_returning_clients_and_their_share_of_revenue():
    regular = VehicleFactory()
    completed(cost=500, on=day(1, 10), vehicle=regular)  # came before: returning in March
    completed(cost=3000, on=day(3, 10), vehicle=regular)
    twice_in_march = VehicleFactory()
    completed(cost=1000, on=day(3, 2), vehicle=twice_in_march)
    completed(cost=1000, on=day(3, 20), vehicle=twice_in_march)
    completed(cost=4000, on=day(3, 5))  # a first-time client

    totals = returning_clients(period=MARCH)

    assert (totals["clients"], totals["returning"]) == (3, 2)
    assert totals["revenue"] == Decimal("9000")
    assert totals["returning_revenue"] == Decimal("5000")
    assert totals["returning_share_of_revenue"] == Decimal("5000") / Decimal("9000")


def test_returning_clients_in_an_empty_period_have_no_share():
    totals = returning_clients(period=MARCH)
    assert totals["clients"] == 0
    assert totals["returning_share_of_revenue"] is None


def test_call_list_holds_clients_unseen_for_six_months_with_nothing_booked():
    today = day(9, 15)
    lapsed = VehicleFactory(client__last_name="Omondi")
    completed(cost=1000, on=day(3, 1), vehicle=lapsed)
    completed(cost=1000, on=day(3, 15), vehicle=lapsed)  # exactly six months ago: on the list
    recent = VehicleFactory()
    completed(cost=1000, on=day(3, 16), vehicle=recent)  # less than six months ago
    booked = VehicleFactory()
    completed(cost=1000, on=day(1, 1), vehicle=booked)
    ServiceFactory(vehicle=booked, status=ServiceStatus.PENDING, scheduled_date=day(9, 30))
    never = ClientFactory()  # never served: nothing to call back about

    rows = list(lapsed_clients(today=today))

    assert [(c.pk, c.last_visit, c.completed_jobs) for c in rows] == [(lapsed.client.pk, day(3, 15), 2)]
    assert never.pk not in {c.pk for c in rows}


def test_call_list_reads_every_car_of_a_client_and_puts_the_longest_unseen_first():
    today = day(12, 1)
    two_cars = ClientFactory(last_name="Wekesa")
    completed(cost=1000, on=day(1, 10), vehicle=VehicleFactory(client=two_cars))
    completed(cost=1000, on=day(4, 20), vehicle=VehicleFactory(client=two_cars))  # last visit: 20 April
    earlier = VehicleFactory(client__last_name="Chebet")
    completed(cost=1000, on=day(2, 1), vehicle=earlier)
    back_recently = ClientFactory()
    completed(cost=1000, on=day(1, 5), vehicle=VehicleFactory(client=back_recently))
    completed(cost=1000, on=day(11, 5), vehicle=VehicleFactory(client=back_recently))  # second car, recent

    rows = [(c.last_name, c.last_visit, c.completed_jobs) for c in lapsed_clients(today=today)]

    assert rows == [("Chebet", day(2, 1), 1), ("Wekesa", day(4, 20), 2)]

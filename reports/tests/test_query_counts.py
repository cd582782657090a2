"""Each report page runs the same number of queries whatever the data size."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clients.tests.factories import ClientFactory
from concierge.accounts.tests.factories import login_verified
from fleet.tests.factories import VehicleFactory
from notifications.tests.factories import NotificationFactory
from servicing.models import ServiceStatus
from servicing.tests.factories import ServiceFactory

from .builders import completed, day

pytestmark = pytest.mark.django_db

QUERY = {"period": "custom", "start": "2026-03-01", "end": "2026-03-31"}
PAGES = ["overview", "revenue", "technicians", "clients", "notifications"]
# Session, user, the request transaction and acting user, permissions, the filters' choices, then
# the page's selectors (13 at most today): a ceiling with room, the real test is small == large.
MAX_QUERIES = 16
# What every report page runs (session, user, transaction, permissions…), then one per table (five).
NOTIFICATIONS_PAGE_QUERIES = 13
TECHNICIANS = ["Peter Kamau", "Mary Atieno", "John Otieno", "Faith Njeri"]
TYPES = ["Oil Change", "Brake Repair", "Full Service"]


def _shop(size):
    """`size` clients, each with a car, a completed March job, an old job, a notification, every
    other one a job on the bench; technicians and service types vary so every group-by has several rows."""
    for n in range(size):
        car = VehicleFactory(client=ClientFactory(), make=["Toyota", "Nissan", "Mazda"][n % 3])
        technician, service_type = TECHNICIANS[n % 4], TYPES[n % 3]
        completed(cost=1000 + n, on=day(3, 1 + n % 28), vehicle=car, technician=technician, service_type=service_type)
        completed(cost=500, on=day(6, 1, year=2025), vehicle=car, technician=technician)
        if n % 2:  # the others have not been back since March: they fill the call list
            ServiceFactory(vehicle=car, status=ServiceStatus.IN_PROGRESS, technician=technician, scheduled_date=day(3, 2))
        NotificationFactory(service__vehicle=car)


def _count(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, QUERY).status_code == 200
    return len(queries)


@pytest.mark.parametrize("page", PAGES)
def test_page_query_count_does_not_grow_with_the_data(client, manager, page, django_assert_max_num_queries):
    login_verified(client, manager)
    url = reverse(f"reports:{page}")
    _shop(2)
    with django_assert_max_num_queries(MAX_QUERIES):
        small = _count(client, url)
    _shop(40)
    with django_assert_max_num_queries(MAX_QUERIES):
        large = _count(client, url)
    assert small == large


@pytest.mark.parametrize("page", PAGES)
def test_csv_query_count_does_not_grow_with_the_data(client, manager, page):
    login_verified(client, manager)
    from reports import views

    view = {"overview": views.OverviewPage, "revenue": views.RevenuePage, "technicians": views.TechniciansPage,
            "clients": views.ClientsPage, "notifications": views.NotificationsPage}[page]
    urls = [reverse(f"reports:{page}-csv", kwargs={"table": table}) for table in view.tables]
    _shop(2)
    small = [_count(client, url) for url in urls]
    _shop(40)
    assert [_count(client, url) for url in urls] == small


def test_the_notifications_page_reads_each_table_in_one_query(client, manager, django_assert_num_queries):
    # The delivery tables (SMS delivered, the network's reasons) add one query each, whatever the data.
    login_verified(client, manager)
    _shop(3)
    with django_assert_num_queries(NOTIFICATIONS_PAGE_QUERIES):
        assert client.get(reverse("reports:notifications"), QUERY).status_code == 200

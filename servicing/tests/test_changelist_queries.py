"""No N+1 on the staff lists: each runs a fixed number of queries whatever the number of rows shown."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from clients.tests.factories import ClientFactory
from concierge.accounts.tests.factories import login_verified
from fleet.tests.factories import VehicleFactory
from servicing.tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db

# Session, user, then the page's own queries (count, rows, filters' choices). Measured, then fixed here:
# a relation shown per row without select_related adds one query per row and breaks the 50-row case.
# AUDIT: the acting-user middleware's transaction (a savepoint and its release inside a test) and its
# set_config add 3 statements to every signed-in page, whatever the number of rows.
AUDIT = 3
# OTP: django-otp's middleware loads the device that verified the session (two-factor sign-in).
OTP = 1
PAGES = {
    "admin:clients_client_changelist": (lambda n: [VehicleFactory(client=c) for c in ClientFactory.create_batch(n)], 6 + AUDIT),
    "admin:fleet_vehicle_changelist": (lambda n: VehicleFactory.create_batch(n), 7 + AUDIT),
    "admin:servicing_service_changelist": (lambda n: ServiceFactory.create_batch(n), 9 + AUDIT),
}


@pytest.mark.parametrize("rows", [5, 50])
@pytest.mark.parametrize("page", PAGES)
def test_changelist_query_count_does_not_grow_with_rows(client, superuser, django_assert_max_num_queries, page, rows):
    make_rows, max_queries = PAGES[page]
    make_rows(rows)
    login_verified(client, superuser)
    with django_assert_max_num_queries(max_queries):
        response = client.get(reverse(page))
    assert len(response.context["cl"].result_list) == rows


@pytest.mark.parametrize("rows", [5, 50])
# The board: its columns' places and totals, then the cards shown (selectors.board_columns).
@pytest.mark.parametrize(("page", "max_queries"), [("servicing:board", 4 + AUDIT + OTP), ("admin:index", 5 + AUDIT + OTP)])
def test_board_and_home_page_query_count_does_not_grow_with_jobs(
    client, superuser, django_assert_max_num_queries, page, max_queries, rows
):
    today = timezone.localdate()
    ServiceFactory.create_batch(rows, scheduled_date=today)
    ServiceFactory.create_batch(rows, scheduled_date=today - datetime.timedelta(days=2), status="in_progress")
    login_verified(client, superuser)
    with django_assert_max_num_queries(max_queries):
        response = client.get(reverse(page))
    assert response.status_code == 200

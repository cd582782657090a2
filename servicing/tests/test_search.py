"""The staff services search (servicing.selectors.service_search_filter): the admin's fields and
word-by-word rule, matched through the cars first instead of an OR across three joined tables."""

import pytest
from django.urls import reverse

from clients.tests.factories import ClientFactory
from concierge.accounts.tests.factories import login_verified
from fleet.tests.factories import VehicleFactory
from servicing import selectors
from servicing.tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db
CHANGELIST = "admin:servicing_service_changelist"


@pytest.fixture
def admin_browser(client, superuser):
    login_verified(client, superuser)
    return client


def _found(admin_browser, term):
    return set(admin_browser.get(reverse(CHANGELIST), {"q": term}).context["cl"].result_list)


@pytest.fixture
def shop():
    kamau = ClientFactory(first_name="Peter", last_name="Kamau")
    otieno = ClientFactory(first_name="Akinyi", last_name="Otieno")
    return {
        "kamau_brakes": ServiceFactory(vehicle=VehicleFactory(client=kamau, license_plate="KDA 123A"), service_type="Brake Repair"),
        "kamau_oil": ServiceFactory(vehicle=VehicleFactory(client=kamau, license_plate="KCB 456B"), service_type="Oil Change"),
        "otieno_brakes": ServiceFactory(vehicle=VehicleFactory(client=otieno, license_plate="KDA 777C"), service_type="Brake Repair"),
    }


@pytest.mark.parametrize("limit", [selectors.SEARCH_VEHICLE_IDS_MAX, 0])  # 0: the fallback join for huge matches
def test_each_word_must_match_type_plate_or_owner_name(admin_browser, shop, monkeypatch, limit):
    monkeypatch.setattr(selectors, "SEARCH_VEHICLE_IDS_MAX", limit)
    assert _found(admin_browser, "kamau") == {shop["kamau_brakes"], shop["kamau_oil"]}
    assert _found(admin_browser, "peter") == {shop["kamau_brakes"], shop["kamau_oil"]}
    assert _found(admin_browser, "kda") == {shop["kamau_brakes"], shop["otieno_brakes"]}
    assert _found(admin_browser, "brake kamau") == {shop["kamau_brakes"]}
    assert _found(admin_browser, '"oil change"') == {shop["kamau_oil"]}
    assert _found(admin_browser, "kda777c") == {shop["otieno_brakes"]}
    assert _found(admin_browser, "nobody") == set()


@pytest.mark.parametrize("cars", [3, 30])
def test_search_query_count_does_not_grow_with_matches(client, superuser, django_assert_max_num_queries, cars):
    owner = ClientFactory(last_name="Njoroge")
    for vehicle in VehicleFactory.create_batch(cars, client=owner):
        ServiceFactory(vehicle=vehicle)
    login_verified(client, superuser)
    with django_assert_max_num_queries(16):
        response = client.get(reverse(CHANGELIST), {"q": "njoroge"})
    assert len(response.context["cl"].result_list) == cars


def test_unfiltered_list_offers_every_year_from_first_to_last_job_without_distinct(client, superuser):
    import datetime

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for year in (2022, 2023, 2024):
        ServiceFactory(scheduled_date=datetime.date(year, 6, 1), completed_date=None, status="cancelled")
    login_verified(client, superuser)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse(CHANGELIST))
    html = response.content.decode()
    for year in (2022, 2023, 2024):
        assert f"?scheduled_date__year={year}" in html
    assert not any("DATE_TRUNC" in q["sql"] for q in ctx.captured_queries)
    # Drilling into a year is Django's own: the months that have jobs.
    html = client.get(reverse(CHANGELIST), {"scheduled_date__year": "2023"}).content.decode()
    assert "scheduled_date__month=6" in html


def test_words_found_only_on_cars_are_one_list_of_cars_and_one_car_is_an_equality(admin_browser, shop):
    """"kda 123a": neither word is in a service type, so the jobs are matched on the one car both words
    find (and the exact plate), by equality: the car's index serves the list, count and dates. Several
    cars go as one uuid[] literal, not a parameter per id."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert _found(admin_browser, "kda 123a") == {shop["kamau_brakes"]}
    counted = next(q["sql"] for q in ctx.captured_queries if q["sql"].startswith("SELECT COUNT(*)"))
    car = shop["kamau_brakes"].vehicle_id
    assert f'"services"."vehicle_id" = \'{car.hex}\'::uuid' in counted and "LIKE" not in counted
    with CaptureQueriesContext(connection) as ctx:
        assert _found(admin_browser, "kamau") == {shop["kamau_brakes"], shop["kamau_oil"]}
    counted = next(q["sql"] for q in ctx.captured_queries if q["sql"].startswith("SELECT COUNT(*)"))
    assert "= ANY(('{" in counted and "::uuid[]" in counted and "LIKE" not in counted


def test_matched_cars_are_read_as_text_and_written_into_the_array_as_read(shop):
    """A common surname matches thousands of cars (8 500 at scale 10): their ids are read as text, not
    made into uuid.UUID objects and back into strings (~40 ms of Python at that size), and go into the
    array literal unchanged, sorted."""
    from clients.models import Client
    from fleet.models import Vehicle
    from servicing.models import Service

    kamau = Client.objects.get(last_name="Kamau")
    cars = selectors._car_ids(Vehicle.objects.filter(license_plate__icontains="kda"), Vehicle.objects.filter(client=kamau))
    expected = {str(shop[name].vehicle_id) for name in ("kamau_brakes", "kamau_oil", "otieno_brakes")}
    assert all(type(car) is str for car in cars) and set(cars) == expected
    _, params = Service.objects.filter(selectors.service_search_filter("kamau")).query.sql_with_params()
    kamau_cars = sorted(str(shop[name].vehicle_id) for name in ("kamau_brakes", "kamau_oil"))
    assert "{" + ",".join(kamau_cars) + "}" in params

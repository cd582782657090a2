"""The staff services search (servicing.selectors.service_search_filter): the admin's fields and
word-by-word rule, matched through the cars first instead of an OR across three joined tables."""

import pytest
from django.urls import reverse

from clients.tests.factories import ClientFactory
from fleet.tests.factories import VehicleFactory
from servicing import selectors
from servicing.tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db
CHANGELIST = "admin:servicing_service_changelist"


@pytest.fixture
def admin_browser(client, superuser):
    client.force_login(superuser)
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
    client.force_login(superuser)
    with django_assert_max_num_queries(16):
        response = client.get(reverse(CHANGELIST), {"q": "njoroge"})
    assert len(response.context["cl"].result_list) == cars

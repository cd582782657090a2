"""Issue 21 item 1: the staff home's one search box (plate any way, phone in any Kenyan form, name)
lands on the one match, lists several, and the admin index is ordered by daily use."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clients.tests.factories import ClientFactory
from concierge.accounts.roles import FRONT_DESK, TECHNICIAN
from concierge.accounts.tests.factories import staff_in_role
from fleet.tests.factories import VehicleFactory

pytestmark = pytest.mark.django_db

SEARCH = reverse("intake:search")


@pytest.fixture
def desk(client):
    client.force_login(staff_in_role(FRONT_DESK))
    return client


@pytest.mark.parametrize("typed", ["kda123a", "KDA 123A", " kda-123a ", "Kda  123A"])
def test_a_plate_typed_any_way_lands_on_the_car(desk, typed):
    car = VehicleFactory(license_plate="KDA 123A")

    response = desk.get(SEARCH, {"q": typed})

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:fleet_vehicle_change", args=[car.pk])


@pytest.mark.parametrize("typed", ["0712345678", "0712 345 678", "+254712345678", "254712345678", "712345678"])
def test_a_phone_in_any_kenyan_form_lands_on_the_client(desk, typed):
    owner = ClientFactory(phone="+254712345678")
    ClientFactory(phone="+254712345679")

    response = desk.post(SEARCH, {"q": typed})

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:clients_client_change", args=[owner.pk])


@pytest.mark.parametrize("typed", ["0112 345 678", "+254 112 345 678", "254112345678"])
def test_a_phone_of_the_newer_01_series_is_found_too(desk, typed):
    owner = ClientFactory(phone="+254112345678")

    response = desk.post(SEARCH, {"q": typed})

    assert response["Location"] == reverse("admin:clients_client_change", args=[owner.pk])


def test_a_phone_is_found_through_its_keyed_hash_not_by_decrypting_every_client(desk):
    ClientFactory(phone="+254712345678")

    with CaptureQueriesContext(connection) as queries:
        desk.get(SEARCH, {"q": "0712 345 678"})

    client_queries = [q["sql"] for q in queries.captured_queries if 'FROM "clients"' in q["sql"]]
    assert client_queries and all('"clients"."phone_hash" =' in sql for sql in client_queries)


def test_a_family_sharing_a_phone_gets_a_short_list_of_each_owner(desk):
    mother = ClientFactory(first_name="Wanjiru", last_name="Kamau", phone="+254722000111")
    son = ClientFactory(first_name="Brian", last_name="Kamau", phone="+254722000111")

    response = desk.get(SEARCH, {"q": "0722 000 111"})

    assert response.status_code == 200
    page = response.content.decode()
    for owner in (mother, son):
        assert reverse("admin:clients_client_change", args=[owner.pk]) in page


def test_a_name_lists_every_client_whose_names_hold_each_word(desk):
    wanjiru = ClientFactory(first_name="Wanjiru", last_name="Kamau")
    ClientFactory(first_name="Wanjiru", last_name="Otieno")

    several = desk.get(SEARCH, {"q": "wanjiru"})
    one = desk.get(SEARCH, {"q": "wanjiru kam"})

    assert several.status_code == 200
    assert len(re.findall(r"/admin/clients/client/[0-9a-f-]{36}/change/", several.content.decode())) == 2
    assert one.status_code == 302 and one["Location"] == reverse("admin:clients_client_change", args=[wanjiru.pk])


def test_nothing_found_offers_a_new_booking_for_the_plate(desk):
    response = desk.get(SEARCH, {"q": "kdz999z"})

    assert response.status_code == 200
    assert f'{reverse("intake:booking")}?q=KDZ%20999Z' in response.content.decode()


def test_a_technician_finds_cars_by_plate_but_never_clients_by_phone_or_name(client):
    car = VehicleFactory(license_plate="KDA 123A")
    ClientFactory(first_name="Wanjiru", last_name="Kamau", phone="+254712345678")
    client.force_login(staff_in_role(TECHNICIAN))

    by_plate = client.get(SEARCH, {"q": "kda123a"})
    by_phone = client.get(SEARCH, {"q": "0712345678"})
    by_name = client.get(SEARCH, {"q": "Kamau"})

    assert by_plate.status_code == 302 and by_plate["Location"] == reverse("admin:fleet_vehicle_change", args=[car.pk])
    for response in (by_phone, by_name):
        assert response.status_code == 200
        assert not re.findall(r"/admin/clients/client/[0-9a-f-]{36}/", response.content.decode())


def test_staff_with_neither_cars_nor_clients_may_not_search(client):
    from concierge.accounts.tests.factories import UserFactory

    client.force_login(UserFactory())

    assert client.get(SEARCH, {"q": "kda123a"}).status_code == 403


def test_the_staff_home_opens_with_the_search_new_booking_the_figures_and_the_board(desk):
    page = desk.get(reverse("admin:index")).content.decode()

    search, booking = page.index('name="q"'), page.index(reverse("intake:booking"))
    figures, board, apps = page.index("Scheduled today"), page.index(reverse("servicing:board")), page.index("app-servicing")
    assert search < figures < apps and booking < figures and board < apps


def test_a_technician_home_has_the_search_but_no_new_booking(client):
    client.force_login(staff_in_role(TECHNICIAN))

    page = client.get(reverse("admin:index")).content.decode()

    assert 'name="q"' in page and reverse("intake:booking") not in page


def test_the_admin_index_lists_apps_by_daily_use(rf, superuser):
    from django.contrib import admin

    request = rf.get(reverse("admin:index"))
    request.user = superuser  # every app on the page (a superuser's page is the full list)

    app_list = admin.site.get_app_list(request)

    labels = [app["app_label"] for app in app_list]
    expected = ["servicing", "clients", "fleet", "billing", "reports", "workflows", "notifications"]
    assert labels[: len(expected)] == expected
    assert labels[-3:] == ["accounts", "auth", "audit"]
    assert app_list[0]["models"][0]["object_name"] == "Service"


def test_the_search_box_posts_so_a_typed_phone_never_sits_in_a_url(desk):
    page = desk.get(reverse("admin:index")).content.decode()
    box = re.search(r'<form class="desk-search"[^>]*>', page).group(0)
    assert 'method="post"' in box and f'action="{SEARCH}"' in box
    assert 'name="csrfmiddlewaretoken"' in page[page.index(box):page.index("</form>", page.index(box))]


def test_a_search_posted_without_the_csrf_token_is_refused():
    from django.test import Client as HttpClient

    strict = HttpClient(enforce_csrf_checks=True)
    strict.force_login(staff_in_role(FRONT_DESK))
    ClientFactory(phone="+254712345678")
    assert strict.post(SEARCH, {"q": "0712345678"}).status_code == 403

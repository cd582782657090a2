"""The Add service page: sent twice it books one job (concierge.admin.once); prefilled from its address
it takes only values its fields can hold (concierge.admin.initial)."""

import re

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from concierge.accounts.tests.factories import login_verified
from fleet.tests.factories import VehicleFactory
from servicing.models import Service

pytestmark = pytest.mark.django_db

ADD = reverse("admin:servicing_service_add")


@pytest.fixture
def desk(client, superuser):
    login_verified(client, superuser)
    return client


def opened_add_page(browser, vehicle, **fields):
    page = browser.get(ADD).content.decode()
    token = re.search(r'name="add_once" value="([0-9a-f-]{36})"', page).group(1)
    return {"vehicle": str(vehicle.pk), "service_type": "Oil Change", "scheduled_date": "2026-12-01",
            "cost": "4500", "status": "pending", "completed_date": "", "technician": "", "notes": "",
            "description": "", "add_once": token, **fields}


def test_an_add_page_sent_twice_books_one_job_and_says_so(desk):
    data = opened_add_page(desk, VehicleFactory())

    first = desk.post(ADD, data)
    second = desk.post(ADD, data)

    assert first.status_code == second.status_code == 302
    assert Service.objects.count() == 1
    assert second["Location"] == reverse("admin:servicing_service_changelist")
    assert any("sent twice" in str(m) for m in get_messages(second.wsgi_request))


def test_a_page_shown_again_with_its_errors_is_taken_once_corrected(desk):
    data = opened_add_page(desk, VehicleFactory(), status="completed")

    refused = desk.post(ADD, data)
    corrected = desk.post(ADD, {**data, "status": "pending"})

    assert refused.status_code == 200 and "status" in refused.context["adminform"].form.errors
    assert corrected.status_code == 302
    assert Service.objects.count() == 1


def test_two_add_pages_book_two_jobs(desk):
    car = VehicleFactory()
    first, second = opened_add_page(desk, car), opened_add_page(desk, car)
    assert first["add_once"] != second["add_once"]

    desk.post(ADD, first)
    desk.post(ADD, second)

    assert Service.objects.count() == 2


@pytest.mark.parametrize("query", ["vehicle=abc", "vehicle=99999999999999999999", "scheduled_date=31/02/2026"])
def test_an_add_page_prefilled_with_a_value_its_field_cannot_hold_opens_without_it(desk, query):
    response = desk.get(f"{ADD}?{query}")
    assert response.status_code == 200
    assert response.context["adminform"].form.initial.get(query.split("=")[0]) is None


def test_an_add_page_prefilled_with_a_car_opens_with_the_car(desk):
    car = VehicleFactory()
    response = desk.get(f"{ADD}?vehicle={car.pk}")
    assert str(response.context["adminform"].form.initial["vehicle"]) == str(car.pk)


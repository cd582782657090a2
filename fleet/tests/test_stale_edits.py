"""No lost edits on a car (issue 13 item 4)."""

import html

import pytest
from django.test import Client as Browser
from django.urls import reverse

from concierge.accounts.tests.factories import UserFactory, login_verified
from concierge.tests.admin_forms import posted_as_opened
from fleet.tests.factories import VehicleFactory

pytestmark = pytest.mark.django_db(transaction=True)


def signed_in(first_name, last_name):
    browser = Browser()
    login_verified(browser, UserFactory(is_superuser=True, first_name=first_name, last_name=last_name))
    return browser


def test_a_car_page_opened_before_another_save_is_refused_with_what_changed():
    car = VehicleFactory(mileage=85000, metadata={"colour": "silver", "fuel": "petrol"})
    url = reverse("admin:fleet_vehicle_change", args=[car.pk])
    amina, brian = signed_in("Amina", "Hassan"), signed_in("Brian", "Kiprop")
    page_a, page_b = amina.get(url), brian.get(url)
    assert amina.post(url, posted_as_opened(page_a, colour="red", mileage="86000")).status_code == 302
    refused = brian.post(url, posted_as_opened(page_b, engine="1.8 L petrol"))
    assert refused.status_code == 200
    message = html.unescape(str(refused.context["adminform"].form.non_field_errors()))
    assert "Amina Hassan" in message and "Mileage: 85000 → 86000" in message and "Colour: silver → red" in message
    car.refresh_from_db()
    assert (car.mileage, car.metadata) == (86000, {"colour": "red", "fuel": "petrol"})

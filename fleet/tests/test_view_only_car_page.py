"""A technician (who may view a car, not change it) reads its details on its page: what is stored, or
a dash, never the word "None"."""

import re

import pytest
from django.urls import reverse

from concierge.accounts.roles import TECHNICIAN
from concierge.accounts.tests.factories import login_verified, staff_in_role
from fleet.tests.factories import VehicleFactory

pytestmark = pytest.mark.django_db


def readonly_values(page):
    return dict(re.findall(r'<label>([^<]+):</label>\s*<div class="readonly">(.*?)</div>', page, re.S))


def test_a_car_without_details_shows_dashes_not_none(client):
    car = VehicleFactory(metadata=None, year=None)
    login_verified(client, staff_in_role(TECHNICIAN))

    page = client.get(reverse("admin:fleet_vehicle_change", args=[car.pk])).content.decode()

    values = readonly_values(page)
    assert "None" not in values.values(), values
    assert values["Colour"] == values["Engine"] == values["Fuel"] == values["Year"]  # the admin's own empty display
    assert "Mileage correction" not in values  # a tick box for those who edit the mileage


def test_a_car_with_details_shows_them(client):
    car = VehicleFactory(metadata={"colour": "silver", "engine": "1.5 L petrol", "transmission": "cvt"})
    login_verified(client, staff_in_role(TECHNICIAN))

    page = client.get(reverse("admin:fleet_vehicle_change", args=[car.pk])).content.decode()

    values = readonly_values(page)
    assert (values["Colour"], values["Engine"], values["Transmission"]) == ("silver", "1.5 L petrol", "CVT")

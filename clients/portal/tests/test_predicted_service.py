"""The portal shows the owner each car's predicted next service: their own cars' only."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from clients.tests.factories import ClientFactory
from fleet.tests.factories import VehicleFactory
from forecasting.models import ServicePrediction
from servicing.models import ServiceType

pytestmark = pytest.mark.django_db


def predict(car, type_name: str, due: datetime.date) -> None:
    ServicePrediction.objects.create(
        vehicle=car, service_type=ServiceType.objects.get(name=type_name), km_per_day=40.0, rate_source="own",
        confidence="medium", readings_used=4, last_service_date=due - datetime.timedelta(days=120),
        km_since_last=4_000, due_date=due, due_by="km",
    )


def test_the_owner_sees_each_cars_predicted_next_service_and_nobody_elses(signed_in):
    mine, theirs = ClientFactory(first_name="Achieng"), ClientFactory(first_name="Baraka")
    my_car = VehicleFactory(client=mine, license_plate="KAA 001A")
    their_car = VehicleFactory(client=theirs, license_plate="KBB 002B")
    soon = timezone.localdate() + datetime.timedelta(days=12)
    predict(my_car, "Oil Change", soon)
    predict(my_car, "Wheel Alignment", soon + datetime.timedelta(days=40))
    predict(their_car, "AC Service", soon)
    browser = signed_in(mine)

    listing = browser.get(reverse("portal:vehicles")).content.decode()
    assert f"Oil Change around {soon:%-d %b %Y}" in listing
    assert "AC Service" not in listing and "Wheel Alignment" not in listing  # the soonest only

    page = browser.get(reverse("portal:vehicle", args=[my_car.pk])).content.decode()
    assert "Oil Change around" in page and "Wheel Alignment around" in page
    assert browser.get(reverse("portal:vehicle", args=[their_car.pk])).status_code == 404

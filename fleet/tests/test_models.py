"""The database backs the forms' rules, so an import that skips the forms cannot break them."""

import pytest
from django.db import IntegrityError

from fleet.tests.factories import VehicleFactory

pytestmark = pytest.mark.django_db


def test_same_plate_typed_differently_is_refused_by_the_database():
    VehicleFactory(license_plate="KDA 123A")
    with pytest.raises(IntegrityError):
        VehicleFactory(license_plate="kda123a")


def test_negative_mileage_is_refused_by_the_database():
    with pytest.raises(IntegrityError):
        VehicleFactory(mileage=-1)

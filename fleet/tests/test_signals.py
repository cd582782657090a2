"""A car's changes are said by the service that makes them (fleet/signals.py): added, and a new mileage
reading with the one it replaced (read on the locked row) and the acting user; a plain save says nothing."""

import pytest
from django.test import Client as Browser
from django.urls import reverse

from clients.tests.factories import ClientFactory
from concierge.accounts.tests.factories import login_verified
from concierge.tests.admin_forms import posted_as_opened
from concierge.tests.signals import received
from fleet import workflow_events as fleet_events
from concierge.workflows.models import Event
from fleet import signals
from fleet.models import Vehicle
from fleet.services import vehicle_create, vehicle_update
from fleet.tests.factories import VehicleFactory

pytestmark = pytest.mark.django_db


def mileage_events(car):
    return list(Event.objects.filter(vehicle=car, name=fleet_events.VEHICLE_MILEAGE_UPDATED).values_list("payload", flat=True))


def test_adding_a_car_sends_vehicle_added_with_who_added_it(superuser):
    owner = ClientFactory()
    with received(signals.vehicle_added) as sends:
        car = vehicle_create(vehicle=Vehicle(client=owner, make="Mazda", model="Demio", vin="JM1DE123456789012"),
                             by=superuser)
    assert [(s["sender"], s["vehicle"], s["by"]) for s in sends] == [(Vehicle, car, superuser)]
    assert Event.objects.filter(name=fleet_events.VEHICLE_ADDED, vehicle=car).count() == 1


def test_a_new_reading_sends_the_old_and_new_mileage_and_who_typed_it(superuser):
    car = VehicleFactory(mileage=85000)
    car.mileage = 90500
    with received(signals.vehicle_mileage_changed) as sends:
        assert vehicle_update(vehicle=car, fields=["mileage"], by=superuser)
    assert [(s["sender"], s["vehicle"], s["old_mileage"], s["new_mileage"], s["by"]) for s in sends] == [
        (Vehicle, car, 85000, 90500, superuser)]
    assert mileage_events(car) == [{"old_mileage": 85000, "new_mileage": 90500}]


def test_the_old_reading_is_the_locked_rows_not_the_one_the_caller_loaded():
    car = VehicleFactory(mileage=85000)
    Vehicle.objects.filter(pk=car.pk).update(mileage=88000)  # read at the gate by someone else meanwhile
    car.mileage = 90500
    with received(signals.vehicle_mileage_changed) as sends:
        vehicle_update(vehicle=car, fields=["mileage"])
    assert [(s["old_mileage"], s["new_mileage"]) for s in sends] == [(88000, 90500)]


def test_the_same_reading_or_other_fields_send_nothing():
    car = VehicleFactory(mileage=85000)
    car.make = "Nissan"
    with received(signals.vehicle_mileage_changed) as sends:
        assert vehicle_update(vehicle=car, fields=["mileage", "make"]) is False
        assert vehicle_update(vehicle=car, fields=["make"]) is False
    assert sends == [] and mileage_events(car) == []
    assert Vehicle.objects.get(pk=car.pk).make == "Nissan"


def test_a_plain_save_of_a_new_mileage_sends_nothing_and_fires_no_event():
    """fleet.services is the way to change a car: Vehicle.save() writes and says nothing (the events
    used to be rebuilt from a snapshot taken when the row was loaded; no longer)."""
    car = VehicleFactory(mileage=85000)
    with received(signals.vehicle_mileage_changed) as sends:
        car.mileage = 90500
        car.save()
    assert sends == [] and mileage_events(car) == []


def test_a_receiver_that_fails_undoes_the_new_reading():
    car = VehicleFactory(mileage=85000)

    def refuse(sender, **kwargs):
        raise RuntimeError("a receiver failed")

    signals.vehicle_mileage_changed.connect(refuse, weak=False, dispatch_uid="test-refuse")
    try:
        car.mileage = 90500
        with pytest.raises(RuntimeError):
            vehicle_update(vehicle=car, fields=["mileage"])
    finally:
        signals.vehicle_mileage_changed.disconnect(dispatch_uid="test-refuse")
    assert Vehicle.objects.get(pk=car.pk).mileage == 85000
    assert mileage_events(car) == []


@pytest.mark.django_db(transaction=True)
def test_the_car_page_sends_one_mileage_change_by_its_user(superuser):
    car = VehicleFactory(mileage=85000)
    browser = Browser()
    login_verified(browser, superuser)
    url = reverse("admin:fleet_vehicle_change", args=[car.pk])
    data = posted_as_opened(browser.get(url), mileage="86000", colour="red")
    with received(signals.vehicle_mileage_changed) as sends:
        assert browser.post(url, data).status_code == 302
    assert [(s["old_mileage"], s["new_mileage"], s["by"], s["in_transaction"]) for s in sends] == [
        (85000, 86000, superuser, True)]
    assert mileage_events(car) == [{"old_mileage": 85000, "new_mileage": 86000}]
    car.refresh_from_db()
    assert (car.mileage, car.metadata["colour"]) == (86000, "red")


@pytest.mark.django_db(transaction=True)
def test_the_client_pages_car_rows_go_through_the_services_with_its_user(superuser):
    """A row edited on the owner's page is a new reading; a row added there is a car added."""
    car = VehicleFactory(mileage=85000)
    browser = Browser()
    login_verified(browser, superuser)
    url = reverse("admin:clients_client_change", args=[car.client.pk])
    added = {"license_plate": "KDB 009Z", "make": "Mazda", "model": "Demio", "year": "2012",
             "vin": "JM1DE123456789012", "mileage": "40000", "colour": ""}
    data = posted_as_opened(browser.get(url), **{"vehicles-0-mileage": "87000", "vehicles-TOTAL_FORMS": "2"},
                            **{f"vehicles-1-{key}": value for key, value in added.items()})
    with received(signals.vehicle_mileage_changed) as changed, received(signals.vehicle_added) as new:
        assert browser.post(url, data).status_code == 302
    assert [(s["vehicle"], s["old_mileage"], s["new_mileage"], s["by"]) for s in changed] == [(car, 85000, 87000, superuser)]
    second = Vehicle.objects.get(vin="JM1DE123456789012")
    assert [(s["vehicle"], s["by"]) for s in new] == [(second, superuser)]
    assert mileage_events(car) == [{"old_mileage": 85000, "new_mileage": 87000}]
    assert Event.objects.filter(name=fleet_events.VEHICLE_ADDED, vehicle=second).count() == 1

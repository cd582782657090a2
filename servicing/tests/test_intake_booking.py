"""Issue 21 item 2: one page books a known car, a new car of a known client (a shared family phone
too) or a new client and car, through the admin's services and validation, all or nothing, firing
the same events."""

import datetime
import re
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from clients.models import Client
from clients.tests.factories import ClientFactory
from concierge.accounts.roles import FRONT_DESK, TECHNICIAN
from concierge.accounts.tests.factories import staff_in_role
from concierge.workflows.models import Event
from fleet.models import Vehicle
from fleet.tests.factories import VehicleFactory
from servicing.models import Service, ServiceStatus

pytestmark = pytest.mark.django_db

BOOK = reverse("intake:booking")
LOOKUP = reverse("intake:booking_lookup")


@pytest.fixture
def desk(client):
    client.force_login(staff_in_role(FRONT_DESK, first_name="Faith", last_name="Mutiso"))
    return client


def booking(**fields):
    today = timezone.localdate()
    return {"once": str(uuid.uuid4()), "scheduled_date": today.strftime("%d/%m/%Y"),
            "service_types": ["Oil Change"], **fields}


def new_client_and_car(**fields):
    return booking(pick="new", **{
        "client-first_name": "Achieng", "client-last_name": "Omondi", "client-email": "achieng@example.co.ke",
        "client-phone": "0733 111 222", "car-license_plate": "kdq 456b", "car-make": "Mazda",
        "car-model": "Demio", "car-year": "2016", "car-vin": "DJ3FS123456789012", **fields})


def event_names():
    return sorted(Event.objects.values_list("name", flat=True))


def test_a_known_plate_fills_in_its_owner_and_last_mileage(desk):
    car = VehicleFactory(license_plate="KDA 123A", mileage=85_000, client=ClientFactory(first_name="Wanjiru", last_name="Kamau"))

    page = desk.get(LOOKUP, {"q": "kda123a"}).content.decode()

    assert f'value="car:{car.pk}" data-mileage="85000" checked' in page
    assert "Wanjiru Kamau" in page and "85,000 km" in page


def test_a_shared_family_phone_offers_each_owner_and_their_cars(desk):
    mother = ClientFactory(first_name="Wanjiru", last_name="Kamau", phone="+254722000111")
    son = ClientFactory(first_name="Brian", last_name="Kamau", phone="+254722000111")
    her_car, his_car = VehicleFactory(client=mother), VehicleFactory(client=son)

    page = desk.post(LOOKUP, {"q": "0722 000 111"}).content.decode()

    assert "2 clients share this phone" in page
    for value in (f"car:{her_car.pk}", f"car:{his_car.pk}", f"client:{mother.pk}", f"client:{son.pk}", "new"):
        assert f'value="{value}"' in page
    assert "checked" not in page  # nobody picked for the desk: which of the family is here is theirs to say


def test_an_unknown_plate_offers_a_new_client_and_car(desk):
    page = desk.get(LOOKUP, {"q": "kdz 999z"}).content.decode()

    assert 'value="new"' in page and 'data-plate="KDZ 999Z"' in page


def test_booking_a_known_car_saves_the_jobs_and_reading_and_fires_the_admins_events(desk):
    car = VehicleFactory(license_plate="KDA 123A", mileage=85_000)
    staff_in_role(TECHNICIAN, first_name="Ann", last_name="Wanjiku")
    Event.objects.all().delete()

    response = desk.post(BOOK, booking(lookup="kda123a", pick=f"car:{car.pk}", mileage="86500",
                                       service_types=["Oil Change", "Brake Repair"], technician="Ann Wanjiku"))

    assert response.status_code == 302 and response["Location"] == BOOK
    jobs = Service.objects.filter(vehicle=car).order_by("service_type")
    assert [(j.service_type, j.status, j.technician, j.scheduled_date) for j in jobs] == [
        ("Brake Repair", ServiceStatus.PENDING, "Ann Wanjiku", timezone.localdate()),
        ("Oil Change", ServiceStatus.PENDING, "Ann Wanjiku", timezone.localdate()),
    ]
    car.refresh_from_db()
    assert car.mileage == 86_500
    assert event_names() == ["service_created", "service_created", "vehicle_mileage_updated"]


def test_a_plate_saved_before_its_lookup_answered_still_books_that_car(desk):
    car = VehicleFactory(license_plate="KDA 123A")

    response = desk.post(BOOK, booking(lookup="KDA-123A"))

    assert response.status_code == 302
    assert Service.objects.filter(vehicle=car).count() == 1


def test_a_new_client_and_car_are_saved_with_the_booking_in_one_go(desk):
    Event.objects.all().delete()

    response = desk.post(BOOK, new_client_and_car(lookup="0733111222", mileage="120000"))

    assert response.status_code == 302
    client = Client.objects.by_email("achieng@example.co.ke").get()
    assert client.phone == "+254733111222"
    car = Vehicle.objects.get(client=client)
    assert (car.license_plate, car.vin, car.mileage) == ("KDQ 456B", "DJ3FS123456789012", 120_000)
    assert Service.objects.filter(vehicle=car).count() == 1
    assert event_names() == ["client_created", "service_created", "vehicle_added"]


def test_a_new_car_for_a_known_client_of_a_shared_phone(desk):
    mother = ClientFactory(phone="+254722000111")
    ClientFactory(phone="+254722000111")

    response = desk.post(BOOK, booking(lookup="0722000111", pick=f"client:{mother.pk}", **{
        "car-license_plate": "KDQ 456B", "car-make": "Mazda", "car-model": "Demio", "car-vin": "DJ3FS123456789012"}))

    assert response.status_code == 302
    assert Vehicle.objects.get(license_plate="KDQ 456B").client == mother


def test_a_refused_car_saves_nothing_of_the_new_client_and_says_so_beside_the_fields(desk):
    response = desk.post(BOOK, new_client_and_car(**{"car-vin": "ABC123", "client-email": "not-an-email"}))

    assert response.status_code == 400
    page = response.content.decode()
    assert re.search(r'id="id_car-vin_error".*?A VIN has 17', page, re.S)
    assert re.search(r'id="id_client-email_error"', page)
    assert not Client.objects.filter(first_name="Achieng").exists() and not Service.objects.exists()


def test_a_plate_already_on_the_books_is_refused_beside_the_new_cars_plate(desk):
    VehicleFactory(license_plate="KDQ 456B")

    response = desk.post(BOOK, new_client_and_car())

    assert response.status_code == 400
    assert re.search(r'id="id_car-license_plate_error".*?already exists', response.content.decode(), re.S)
    assert not Client.objects.filter(first_name="Achieng").exists()


def test_a_lower_reading_than_the_last_is_refused_beside_the_mileage_and_nothing_is_booked(desk):
    car = VehicleFactory(mileage=85_000)

    response = desk.post(BOOK, booking(pick=f"car:{car.pk}", mileage="80000"))

    assert response.status_code == 400
    assert re.search(r'id="id_mileage_error".*?lower than the last recorded', response.content.decode(), re.S)
    assert not Service.objects.exists()
    car.refresh_from_db()
    assert car.mileage == 85_000


@pytest.mark.parametrize("typed", ["99999999999", "3000001"])
def test_a_mileage_past_the_limit_is_refused_beside_the_mileage_saying_the_limit(desk, typed):
    response = desk.post(BOOK, new_client_and_car(mileage=typed))

    assert response.status_code == 400
    assert re.search(r'id="id_mileage_error".*?at most 3,000,000 km', response.content.decode(), re.S)
    assert not Service.objects.exists() and not Vehicle.objects.exists()


def test_no_service_and_no_car_picked_are_said_beside_their_fields(desk):
    response = desk.post(BOOK, booking(service_types=[], scheduled_date="31/02/2026"))

    page = response.content.decode()
    assert response.status_code == 400
    for field in ("lookup", "service_types", "scheduled_date"):
        assert f'id="id_{field}_error"' in page


def test_the_date_is_read_day_first(desk):
    car = VehicleFactory()
    day = timezone.localdate() + datetime.timedelta(days=10)

    desk.post(BOOK, booking(pick=f"car:{car.pk}", scheduled_date=day.strftime("%d/%m/%Y")))

    assert Service.objects.get(vehicle=car).scheduled_date == day


def test_the_same_page_sent_twice_books_once(desk):
    car = VehicleFactory()
    sent = booking(pick=f"car:{car.pk}")

    first, second = desk.post(BOOK, sent), desk.post(BOOK, sent)

    assert first.status_code == second.status_code == 302
    assert Service.objects.filter(vehicle=car).count() == 1


def test_a_technician_may_not_book_nor_look_up_phones(client):
    car = VehicleFactory()
    client.force_login(staff_in_role(TECHNICIAN))

    assert client.get(BOOK).status_code == 403
    assert client.get(LOOKUP, {"q": "0712345678"}).status_code == 403
    assert client.post(BOOK, booking(pick=f"car:{car.pk}")).status_code == 403
    assert not Service.objects.exists()

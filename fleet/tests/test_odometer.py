"""Every mileage the shop records is kept as a dated odometer reading (fleet/odometer.py); readings
that go backwards or jump impossibly are flagged, not used; history from before the readings table is
recovered from the audit trail."""

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from fleet.models import OdometerReading, ReadingFlag, ReadingSource, Vehicle
from fleet.odometer import MAX_KM_PER_DAY, history_recover, reading_flags
from fleet.services import vehicle_update
from fleet.tests.factories import VehicleFactory
from servicing.models import Service
from servicing.services import service_complete, service_create
from servicing.tests.factories import ServiceFactory

D = datetime.date


def test_readings_that_go_backwards_or_jump_are_flagged_and_later_ones_compare_with_the_last_good_one():
    readings = [
        (D(2026, 1, 1), 100_000),
        (D(2026, 1, 31), 101_500),   # 50 km/day: fine
        (D(2026, 2, 10), 11_500),    # a digit dropped: backwards
        (D(2026, 2, 20), 910_000),   # a digit added: 80 850 km/day, a jump
        (D(2026, 3, 2), 104_000),    # compared with 101 500 on 31 Jan: fine
        (D(2026, 3, 2), 104_000 + MAX_KM_PER_DAY + 1),  # same day: more than one day's maximum
    ]
    assert reading_flags(readings) == [
        ReadingFlag.OK, ReadingFlag.OK, ReadingFlag.BACKWARDS, ReadingFlag.JUMP, ReadingFlag.OK, ReadingFlag.JUMP,
    ]


@pytest.mark.django_db
def test_a_new_car_and_each_mileage_edit_are_kept_as_dated_readings():
    car = VehicleFactory(mileage=85_000)
    car.mileage = 86_200
    vehicle_update(vehicle=car, fields=["mileage"])
    rows = list(OdometerReading.objects.filter(vehicle=car).values_list("mileage", "source", "flag", "read_on"))
    today = timezone.localdate()
    assert rows == [(85_000, ReadingSource.ADDED, "", today), (86_200, ReadingSource.ADMIN, "", today)]


@pytest.mark.django_db
def test_mileage_read_at_completion_is_a_reading_and_moves_the_car_on():
    job = ServiceFactory(vehicle=VehicleFactory(mileage=50_000), status="in_progress")
    service_complete(service=job, mileage=50_900)  # the same day: under a day's maximum
    assert Vehicle.objects.get(pk=job.vehicle.pk).mileage == 50_900
    assert list(OdometerReading.objects.filter(vehicle=job.vehicle).values_list("source", "mileage", "flag")) == [
        (ReadingSource.ADDED, 50_000, ""), (ReadingSource.COMPLETION, 50_900, ""),
    ]


@pytest.mark.django_db
def test_a_lower_reading_at_booking_is_kept_flagged_and_the_car_keeps_its_mileage():
    car = VehicleFactory(mileage=120_000)
    service_create(service=Service(vehicle=car, service_type="Oil Change"), mileage=12_000)
    assert Vehicle.objects.get(pk=car.pk).mileage == 120_000
    reading = OdometerReading.objects.get(vehicle=car, source=ReadingSource.BOOKING)
    assert (reading.mileage, reading.flag) == (12_000, ReadingFlag.BACKWARDS)


# Committed one by one, as staff saved them: each audit row has its own timestamp, as in production
# (inside one test transaction they would all share the transaction's).
@pytest.mark.django_db(transaction=True)
def test_history_before_the_readings_table_is_recovered_from_the_audit_trail():
    car = VehicleFactory(mileage=70_000)
    for mileage in (70_400, 7_100, 70_900):  # the middle one a typo; all on one day
        car.mileage = mileage
        vehicle_update(vehicle=car, fields=["mileage"])
    untouched = VehicleFactory(mileage=0)
    OdometerReading.objects.all().delete()  # as before the table existed

    added = history_recover(connection)

    rows = list(OdometerReading.objects.filter(vehicle=car).values_list("mileage", "source", "flag"))
    assert rows == [
        (70_000, "audit", ""), (70_400, "audit", ""), (7_100, "audit", ReadingFlag.BACKWARDS), (70_900, "audit", ""),
    ]
    assert added == 4 and not OdometerReading.objects.filter(vehicle=untouched).exists()


@pytest.mark.django_db
def test_a_car_deleted_by_sql_takes_its_readings_with_it():
    car = VehicleFactory(mileage=85_000)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM clients WHERE id = %s", [car.client_id])
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the deferred check would otherwise wait for commit
    assert not OdometerReading.objects.filter(vehicle_id=car.pk).exists()


def test_a_staff_correction_replaces_the_mistyped_reading_and_later_ones_compare_with_it():
    readings = [(D(2026, 1, 1), 100_000), (D(2026, 1, 2), 100_500), (D(2026, 1, 3), 101_000),
                (D(2026, 1, 4), 100_700), (D(2026, 1, 5), 100_900), (D(2026, 2, 1), 102_000)]
    # 101 000 was mistyped (the car read 100 600); 100 700 is staff's correction. Without it, the
    # correction and the next reading would be "backwards" of the typo.
    ok, back, corrected = ReadingFlag.OK, ReadingFlag.BACKWARDS, ReadingFlag.CORRECTED
    assert reading_flags(readings) == [ok, ok, ok, back, back, ok]
    assert reading_flags(readings, corrections=[False, False, False, True, False, False]) == [
        ok, ok, corrected, ok, ok, ok,
    ]


@pytest.mark.django_db
def test_the_correct_the_mileage_tick_records_a_correction(client, superuser):
    from django.urls import reverse

    from concierge.accounts.tests.factories import login_verified
    from concierge.tests.admin_forms import posted_as_opened

    car = VehicleFactory(mileage=95_000)
    car.mileage = 96_000  # mistyped: the odometer said 95 600
    vehicle_update(vehicle=car, fields=["mileage"])
    login_verified(client, superuser)
    url = reverse("admin:fleet_vehicle_change", args=[car.pk])
    response = client.post(url, posted_as_opened(client.get(url), mileage="95500", mileage_correction="on"))
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    rows = list(OdometerReading.objects.filter(vehicle=car).values_list("mileage", "source", "flag"))
    assert rows == [(95_000, "added", ""), (96_000, "admin", ReadingFlag.CORRECTED), (95_500, "correction", "")]
    car.mileage = 95_800  # the next reading is compared with the correction, not the typo
    vehicle_update(vehicle=car, fields=["mileage"])
    assert OdometerReading.objects.filter(vehicle=car).latest("id").flag == ""

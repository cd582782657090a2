"""Predictions written for every car in batches (forecasting.services): the car's own rate, the
fallbacks, flagged readings left out, and a car's rows worked out again after its new reading."""

import datetime

import pytest

from fleet.models import ReadingFlag, ReadingSource
from fleet.services import odometer_reading_record
from forecasting.estimate import Confidence, Source
from forecasting.models import ServicePrediction
from forecasting.services import predictions_refresh
from forecasting.tasks import refresh_car_predictions

from .factories import car_with_history

pytestmark = pytest.mark.django_db
D = datetime.date
TODAY = D(2026, 6, 1)


START = D(2025, 12, 1)


def monthly(start_km: int, km_per_day: int, months: int, start: D = START) -> list[tuple[D, int]]:
    return [(start + datetime.timedelta(days=30 * k), start_km + km_per_day * 30 * k) for k in range(months)]


def test_a_car_with_its_own_readings_is_predicted_from_them():
    # Readings every 30 days from 1 Dec 2025, 3 000 km apart: 100 km/day. Oil change on 31 Mar 2026, read
    # at 112 000 km; due at 117 000. The last reading, 30 May, says 118 000: 1 000 km (10 days) past it,
    # so due 20 May (before 30 Sep, six months on).
    car = car_with_history(readings=monthly(100_000, 100, 7), services=[("Oil Change", D(2026, 3, 31))])
    assert predictions_refresh(today=TODAY) == 1
    row = ServicePrediction.objects.get(vehicle=car)
    assert (row.service_type.name, row.rate_source, row.confidence, row.readings_used) == ("Oil Change", Source.OWN, Confidence.HIGH, 7)
    assert row.km_per_day == 100.0
    assert (row.due_date, row.due_by) == (D(2026, 5, 20), "km")
    assert row.km_since_last == 100 * (TODAY - D(2026, 3, 31)).days


def test_a_car_with_too_few_readings_takes_its_models_median_then_the_shop_default(settings):
    settings.PREDICTION_DEFAULT_KM_PER_DAY = 40.0
    for rate in (60, 80, 150):
        car_with_history(readings=monthly(50_000, rate, 4), services=[("Oil Change", D(2026, 3, 1))],
                         make="Toyota", model="Probox")
    newcomer = car_with_history(readings=[(D(2026, 5, 1), 70_000)], services=[("Oil Change", D(2026, 5, 1))],
                                make="Toyota", model="Probox")
    stranger = car_with_history(readings=[], services=[("Oil Change", D(2026, 5, 1))], make="Subaru", model="Forester")
    predictions_refresh(today=TODAY)
    assert ServicePrediction.objects.filter(vehicle=newcomer).values_list("rate_source", "km_per_day").get() == (Source.FLEET, 80.0)
    assert ServicePrediction.objects.filter(vehicle=stranger).values_list("rate_source", "km_per_day").get() == (Source.DEFAULT, 40.0)
    # A one-car refresh takes the median from the rows already stored.
    refresh_car_predictions(str(newcomer.pk))
    assert ServicePrediction.objects.filter(vehicle=newcomer).values_list("rate_source", "km_per_day").get() == (Source.FLEET, 80.0)


def test_flagged_readings_are_not_used():
    readings = monthly(100_000, 50, 6)
    car = car_with_history(readings=readings[:3] + [(D(2026, 3, 5), 10_300), (D(2026, 3, 7), 990_000)] + readings[3:],
                           services=[("Oil Change", D(2026, 3, 1))])
    assert sorted(car.odometer_readings.exclude(flag="").values_list("flag", flat=True)) == [ReadingFlag.BACKWARDS, ReadingFlag.JUMP]
    predictions_refresh(today=TODAY)
    assert ServicePrediction.objects.get(vehicle=car).km_per_day == 50.0


def test_types_without_an_interval_or_never_done_here_get_no_prediction():
    car = car_with_history(readings=monthly(100_000, 50, 4), services=[("Engine Diagnostics", D(2026, 3, 1))])
    predictions_refresh(today=TODAY)
    assert not ServicePrediction.objects.filter(vehicle=car).exists()


def test_a_new_reading_refreshes_the_cars_prediction():
    car = car_with_history(readings=monthly(100_000, 50, 4), services=[("Oil Change", D(2026, 3, 1))])
    predictions_refresh(vehicle_ids=[car.pk], today=D(2026, 3, 31))
    before = ServicePrediction.objects.get(vehicle=car)
    # Due at 109 500 km (104 500 on 1 Mar + 5 000), on 9 Jun at 50 km/day. A reading of 112 000 on 30 Apr
    # says it is past that already: due back when it reached 109 500, 50 days of driving before 30 Apr.
    odometer_reading_record(vehicle=car, mileage=112_000, source=ReadingSource.COMPLETION, read_on=D(2026, 4, 30))
    refresh_car_predictions(str(car.pk))
    after = ServicePrediction.objects.get(vehicle=car)
    assert (before.due_date, after.due_date) == (D(2026, 6, 9), D(2026, 3, 11))


def test_a_car_deleted_by_sql_takes_its_predictions_with_it():
    from django.db import connection

    car = car_with_history(readings=monthly(100_000, 50, 4), services=[("Oil Change", D(2026, 3, 1))])
    predictions_refresh(today=TODAY)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM clients WHERE id = %s", [car.client_id])
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    assert not ServicePrediction.objects.filter(vehicle_id=car.pk).exists()


def test_refreshing_again_updates_the_rows_and_drops_those_no_longer_predicted():
    from servicing.models import ServiceType

    car = car_with_history(readings=monthly(100_000, 50, 4),
                           services=[("Oil Change", D(2026, 3, 1)), ("Wheel Alignment", D(2026, 3, 1))])
    predictions_refresh(vehicle_ids=[car.pk], today=TODAY)
    assert ServicePrediction.objects.filter(vehicle=car).count() == 2
    ServiceType.objects.filter(name="Wheel Alignment").update(interval_km=None, interval_months=None)
    ServiceType.objects.filter(name="Oil Change").update(interval_km=10_000, interval_months=12)
    predictions_refresh(vehicle_ids=[car.pk], today=TODAY)
    oil = ServicePrediction.objects.get(vehicle=car)  # the alignment's row is gone
    assert (oil.service_type.name, oil.due_date) == ("Oil Change", D(2026, 3, 1) + datetime.timedelta(days=200))


def test_a_new_reading_or_a_completed_job_queues_the_cars_refresh_after_commit(django_capture_on_commit_callbacks):
    from fleet.tests.factories import VehicleFactory
    from servicing.services import service_complete
    from servicing.tests.factories import ServiceFactory

    with django_capture_on_commit_callbacks() as added:
        car = VehicleFactory(mileage=50_000)  # registered: no job yet, nothing to predict
    job = ServiceFactory(vehicle=car, status="in_progress")
    with django_capture_on_commit_callbacks() as read:
        odometer_reading_record(vehicle=car, mileage=50_400, source=ReadingSource.ADMIN)
    with django_capture_on_commit_callbacks() as flagged:
        odometer_reading_record(vehicle=car, mileage=5_040, source=ReadingSource.ADMIN)
    with django_capture_on_commit_callbacks() as completed:
        service_complete(service=job)
    assert (len(added), len(read), len(flagged), len(completed)) == (0, 1, 0, 1)

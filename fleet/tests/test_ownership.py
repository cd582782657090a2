"""Who owned a car, and when: the periods fleet.services writes and the database's rules on them."""

import datetime
import threading

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from django.urls import reverse

from clients.tests.factories import ClientFactory
from concierge.accounts.tests.factories import login_verified
from concierge.admin.concurrency import row_version
from concierge.audit.models import AuditLog
from fleet.models import Vehicle, VehicleOwnership
from fleet.ownership import history_recover, ownerships_open_missing
from fleet import signals
from fleet.services import vehicle_client_change
from fleet.tests.factories import VehicleFactory
from fleet.tests.test_admin import vehicle_post

pytestmark = pytest.mark.django_db

DAYS_AGO_30 = timezone.now() - datetime.timedelta(days=30)


def periods(vehicle):
    return list(VehicleOwnership.objects.filter(vehicle=vehicle).order_by("started_at")
                .values_list("client_id", "started_at", "ended_at"))


def test_a_new_car_is_its_clients_from_the_moment_it_is_added():
    car = VehicleFactory()

    [(owner, started, ended)] = periods(car)
    assert (owner, started, ended) == (car.client_id, car.created_at, None)


def test_selling_a_car_ends_one_period_and_opens_the_next():
    seller, buyer = ClientFactory(), ClientFactory()
    car = VehicleFactory(client=seller, created_at=DAYS_AGO_30)

    assert vehicle_client_change(vehicle=car, client_id=buyer.pk)

    (first, start, end), (second, start2, end2) = periods(car)
    assert (first, second, end2) == (seller.pk, buyer.pk, None)
    assert start == DAYS_AGO_30 and end == start2 > start
    car.refresh_from_db()
    assert car.client_id == buyer.pk
    # Audited like the rest: both writes are in the trail.
    assert AuditLog.objects.filter(table_name="vehicle_ownerships", action="INSERT").count() == 2
    assert AuditLog.objects.filter(table_name="vehicle_ownerships", action="UPDATE").count() == 1


def test_the_same_client_again_is_no_change():
    car = VehicleFactory(created_at=DAYS_AGO_30)

    assert not vehicle_client_change(vehicle=car, client_id=car.client_id)
    assert len(periods(car)) == 1


def test_a_car_given_to_another_client_in_the_transaction_that_added_it_has_one_period():
    car = VehicleFactory()  # created_at: this transaction's time, as the sale's
    other = ClientFactory()

    vehicle_client_change(vehicle=car, client_id=other.pk)

    assert [p[0] for p in periods(car)] == [other.pk]


def test_the_database_refuses_two_open_periods_of_one_car():
    car = VehicleFactory(created_at=DAYS_AGO_30)
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO vehicle_ownerships (id, vehicle_id, client_id, started_at) "
            "VALUES (gen_random_uuid(), %s, %s, now() AT TIME ZONE 'UTC')", [car.pk, ClientFactory().pk])


def test_the_database_refuses_overlapping_periods_and_a_period_ending_before_it_starts():
    car = VehicleFactory(created_at=DAYS_AGO_30)
    other = ClientFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        VehicleOwnership.objects.create(vehicle=car, client=other, started_at=DAYS_AGO_30 - datetime.timedelta(days=5),
                                        ended_at=DAYS_AGO_30 + datetime.timedelta(days=1))
    with pytest.raises(IntegrityError), transaction.atomic():
        VehicleOwnership.objects.create(vehicle=car, client=other, started_at=DAYS_AGO_30 - datetime.timedelta(days=5),
                                        ended_at=DAYS_AGO_30 - datetime.timedelta(days=6))


def test_the_admin_change_of_client_moves_the_periods_and_the_car_page_lists_its_owners(client, superuser):
    login_verified(client, superuser)
    seller, buyer = ClientFactory(first_name="Amani"), ClientFactory(first_name="Baraka")
    car = VehicleFactory(client=seller, created_at=DAYS_AGO_30, metadata={})
    data = vehicle_post(buyer, license_plate=car.license_plate, vin=car.vin, mileage=car.mileage, make=car.make,
                        model=car.model, row_version=row_version(car))

    response = client.post(reverse("admin:fleet_vehicle_change", args=[car.pk]), data)

    assert response.status_code == 302
    assert [p[0] for p in periods(car)] == [seller.pk, buyer.pk]
    page = client.get(reverse("admin:fleet_vehicle_change", args=[car.pk])).content.decode()
    assert "Owners" in page and "Amani" in page and "Baraka" in page


def test_the_backfill_recovers_earlier_owners_from_the_audit_trail():
    """The migration's data step: a car whose client the audit trail saw change gets both periods."""
    seller, buyer = ClientFactory(), ClientFactory()
    car = VehicleFactory(client=seller, created_at=DAYS_AGO_30)
    with connection.cursor() as cursor:
        # As the table was before this change: cars without periods, one of them sold (as staff did it
        # then: the car's client changed, which the audit trigger recorded).
        cursor.execute("DELETE FROM vehicle_ownerships")
        cursor.execute("UPDATE vehicles SET client_id = %s WHERE id = %s", [buyer.pk, car.pk])
        sold_at = AuditLog.objects.get(table_name="vehicles", record_id=car.pk, action="UPDATE").timestamp
        untouched = VehicleFactory(created_at=DAYS_AGO_30)
        cursor.execute("DELETE FROM vehicle_ownerships WHERE vehicle_id = %s", [untouched.pk])

        assert history_recover(cursor) == 2
        assert ownerships_open_missing(cursor) == 1

    assert periods(car) == [(seller.pk, DAYS_AGO_30, sold_at), (buyer.pk, sold_at, None)]
    assert periods(untouched) == [(untouched.client_id, DAYS_AGO_30, None)]


@pytest.mark.django_db(transaction=True)
def test_two_client_changes_at_once_run_one_after_the_other():
    """The first holds the car's row; the second waits for it, then ends the period the first began and
    says it took the car from the first (the client read on the locked row, not the one loaded before)."""
    first, second = ClientFactory(), ClientFactory()
    car = VehicleFactory(created_at=DAYS_AGO_30)
    original = car.client_id
    first_holds_the_row, let_first_commit = threading.Event(), threading.Event()
    errors = []

    def change(client, before_commit=None):
        try:
            with transaction.atomic():
                vehicle_client_change(vehicle=Vehicle.objects.get(pk=car.pk), client_id=client.pk)
                if before_commit:
                    before_commit()
        except Exception as error:  # reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    def hold():
        first_holds_the_row.set()
        let_first_commit.wait(10)

    told = []
    receiver = lambda **kwargs: told.append((kwargs["old_client_id"], kwargs["new_client_id"]))  # noqa: E731
    signals.vehicle_client_changed.connect(receiver, weak=False)
    one = threading.Thread(target=change, args=(first, hold))
    one.start()
    assert first_holds_the_row.wait(10)
    two = threading.Thread(target=change, args=(second,))
    two.start()
    two.join(0.5)
    assert two.is_alive()  # waiting for the row
    let_first_commit.set()
    one.join(10)
    two.join(10)
    signals.vehicle_client_changed.disconnect(receiver)

    assert errors == []
    assert told == [(original, first.pk), (first.pk, second.pk)]
    history = periods(car)
    assert [p[0] for p in history] == [original, first.pk, second.pk]
    assert history[0][2] == history[1][1] and history[1][2] == history[2][1] and history[2][2] is None
    assert Vehicle.objects.get(pk=car.pk).client_id == second.pk

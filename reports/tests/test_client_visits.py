"""report_client_visits stays equal to what the jobs say, after every kind of write the product (or
anyone with SQL) makes: the triggers of reports/migrations/0003 recount the clients a write touched,
in the same transaction. Each test compares every client's row with a recount done here in Python."""

import datetime
import random
import threading
import time
from decimal import Decimal

import psycopg
import pytest
from django.db import connection

from clients.models import Client
from clients.tests.factories import ClientFactory
from fleet.models import Vehicle
from fleet.tests.factories import VehicleFactory
from reports.models import ClientVisits
from servicing.models import Service, ServiceStatus
from servicing.services import service_change_status, service_change_status_bulk, service_complete
from servicing.tests.factories import ServiceFactory

from .builders import day

pytestmark = pytest.mark.django_db

OPEN = (ServiceStatus.PENDING, ServiceStatus.IN_PROGRESS)


def _by_definition():
    """{client id: (first visit, last visit, completed jobs, open jobs)} from every job, in Python."""
    visits = {pk: (None, None, 0, 0) for pk in Client.objects.values_list("pk", flat=True)}
    for client, status, done in Service.objects.values_list("vehicle__client", "status", "completed_date"):
        first, last, completed, open_ = visits[client]
        if status == ServiceStatus.COMPLETED:
            completed += 1
            if done is not None:
                first, last = min(first or done, done), max(last or done, done)
        open_ += status in OPEN
        visits[client] = (first, last, completed, open_)
    return visits


def _kept():
    """The same from report_client_visits: a client without a row has no job."""
    rows = {
        row.client_id: (row.first_visit, row.last_visit, row.completed_jobs, row.open_jobs)
        for row in ClientVisits.objects.all()
    }
    return {pk: rows.get(pk, (None, None, 0, 0)) for pk in Client.objects.values_list("pk", flat=True)}


def _job(car, status=ServiceStatus.COMPLETED, on=None, **extra):
    on = on or day(3, 10)
    return ServiceFactory(vehicle=car, status=status, scheduled_date=on,
                          completed_date=on if status == ServiceStatus.COMPLETED else None, **extra)


def test_new_jobs_of_every_status_are_counted():
    car = VehicleFactory()
    _job(car, on=day(1, 5))
    _job(car, on=day(3, 1))
    _job(car, ServiceStatus.PENDING)
    _job(car, ServiceStatus.IN_PROGRESS)
    _job(car, ServiceStatus.CANCELLED)

    assert _kept()[car.client_id] == (day(1, 5), day(3, 1), 2, 2)
    assert _kept() == _by_definition()


def test_status_changes_through_the_lifecycle_move_the_visits():
    car = VehicleFactory()
    job = _job(car, ServiceStatus.PENDING, on=day(3, 1))
    assert _kept()[car.client_id] == (None, None, 0, 1)

    service_change_status(service=job, status=ServiceStatus.IN_PROGRESS)
    service_complete(service=job, completed_date=day(3, 4))

    assert _kept()[car.client_id] == (day(3, 4), day(3, 4), 1, 0)
    others = [_job(car, ServiceStatus.PENDING, on=day(3, 5)) for _ in range(2)]
    service_change_status_bulk(services=Service.objects.filter(pk__in=[o.pk for o in others]),
                               status=ServiceStatus.CANCELLED)
    assert _kept()[car.client_id] == (day(3, 4), day(3, 4), 1, 0)
    assert _kept() == _by_definition()


def test_editing_deleting_and_bulk_updating_jobs():
    car = VehicleFactory()
    first, second = _job(car, on=day(1, 5)), _job(car, on=day(2, 5))
    first.completed_date = day(1, 20)
    first.save()
    assert _kept()[car.client_id] == (day(1, 20), day(2, 5), 2, 0)

    second.delete()
    assert _kept()[car.client_id] == (day(1, 20), day(1, 20), 1, 0)

    Service.objects.filter(vehicle=car).update(status=ServiceStatus.CANCELLED, completed_date=None)
    assert _kept()[car.client_id] == (None, None, 0, 0)
    assert _kept() == _by_definition()


def test_a_car_handed_to_another_client_takes_its_jobs_along():
    seller, buyer = ClientFactory(), ClientFactory()
    car = VehicleFactory(client=seller)
    _job(VehicleFactory(client=seller), on=day(1, 1))
    _job(car, on=day(2, 1))
    _job(car, ServiceStatus.PENDING)

    car.client = buyer
    car.save()

    kept = _kept()
    assert kept[seller.pk] == (day(1, 1), day(1, 1), 1, 0)
    assert kept[buyer.pk] == (day(2, 1), day(2, 1), 1, 1)
    assert kept == _by_definition()


def test_deleting_a_car_or_a_client_in_django_or_in_sql():
    keeps_one, loses_all, deleted = ClientFactory(), ClientFactory(), ClientFactory()
    sold = VehicleFactory(client=keeps_one)
    _job(sold, on=day(3, 1))
    _job(VehicleFactory(client=keeps_one), on=day(1, 1))
    _job(VehicleFactory(client=loses_all), on=day(1, 1))
    _job(VehicleFactory(client=deleted), on=day(1, 1))

    sold.delete()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM vehicles WHERE client_id = %s", [loses_all.pk])
        cursor.execute("DELETE FROM clients WHERE id = %s", [deleted.pk])

    kept = _kept()
    assert kept[keeps_one.pk] == (day(1, 1), day(1, 1), 1, 0)
    assert kept[loses_all.pk] == (None, None, 0, 0)
    assert not ClientVisits.objects.filter(client_id=deleted.pk).exists()
    assert kept == _by_definition()


@pytest.mark.owner_role  # TRUNCATE is the owner's
def test_jobs_written_in_sql_and_truncated_tables():
    car = VehicleFactory()
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO services (id, vehicle_id, service_type, status, scheduled_date, completed_date, cost) "
            "VALUES (gen_random_uuid(), %s, 'Oil Change', 'completed', %s, %s, 1000), "
            "       (gen_random_uuid(), %s, 'Oil Change', 'pending', %s, NULL, 1000)",
            [car.pk, day(3, 1), day(3, 2), car.pk, day(4, 1)],
        )
        assert _kept()[car.client_id] == (day(3, 2), day(3, 2), 1, 1)
        # TRUNCATE refuses while foreign-key checks of this test's transaction are queued.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("TRUNCATE services CASCADE")
    assert _kept()[car.client_id] == (None, None, 0, 0)


def test_a_note_or_a_price_leaves_the_row_untouched():
    car = VehicleFactory()
    job = _job(car, on=day(3, 1))
    before = ClientVisits.objects.get(client_id=car.client_id)
    with connection.cursor() as cursor:
        cursor.execute("SELECT xmin FROM report_client_visits WHERE client_id = %s", [car.client_id])
        (xmin,) = cursor.fetchone()
        Service.objects.filter(pk=job.pk).update(notes="Client waiting", cost=Decimal("9000"))
        cursor.execute("SELECT ctid, xmin FROM report_client_visits WHERE client_id = %s", [car.client_id])
        # The same row version: the update did not recount this client.
        assert cursor.fetchone()[1] == xmin
    assert ClientVisits.objects.get(client_id=car.client_id).last_visit == before.last_visit


def test_random_writes_keep_every_row_equal_to_the_jobs():
    rng = random.Random(4)
    clients = [ClientFactory() for _ in range(6)]
    cars = [VehicleFactory(client=rng.choice(clients)) for _ in range(10)]
    jobs = []
    for step in range(60):
        action = rng.choice(["add", "add", "complete", "reopen", "move", "delete", "redate"])
        if action == "add" or not jobs:
            status = rng.choice(list(ServiceStatus))
            jobs.append(_job(rng.choice(cars), status, on=day(1, 1) + datetime.timedelta(days=rng.randint(0, 300))))
        elif action == "complete":
            Service.objects.filter(pk=rng.choice(jobs).pk, status__in=OPEN).update(
                status=ServiceStatus.COMPLETED, completed_date=day(12, 31))
        elif action == "reopen":
            Service.objects.filter(pk=rng.choice(jobs).pk).update(status=ServiceStatus.PENDING, completed_date=None)
        elif action == "move":
            Vehicle.objects.filter(pk=rng.choice(cars).pk).update(client=rng.choice(clients))
        elif action == "delete":
            jobs.pop(rng.randrange(len(jobs))).delete()
        else:
            Service.objects.filter(pk=rng.choice(jobs).pk, status=ServiceStatus.COMPLETED).update(
                completed_date=day(11, rng.randint(1, 30)))
        assert _kept() == _by_definition(), (step, action)


@pytest.mark.django_db(transaction=True)
def test_two_transactions_completing_jobs_of_one_client_at_once_are_both_counted():
    """The recount takes the client's row lock first and counts with a fresh snapshot afterwards:
    the second writer waits for the first to commit, then counts its job too."""
    car = VehicleFactory()
    first, second = _job(car, ServiceStatus.IN_PROGRESS), _job(car, ServiceStatus.IN_PROGRESS)
    settings = connection.settings_dict
    dsn = {"dbname": settings["NAME"], "host": settings["HOST"] or None, "port": settings["PORT"] or None,
           "user": settings["USER"] or None, "password": settings["PASSWORD"] or None}
    complete = "UPDATE services SET status = 'completed', completed_date = %s WHERE id = %s"

    with psycopg.connect(**dsn) as one, psycopg.connect(**dsn) as two:
        one.execute(complete, [day(3, 10), first.pk])  # holds the client's row until it commits

        def complete_second():
            with two.transaction():
                two.execute(complete, [day(3, 11), second.pk])

        other = threading.Thread(target=complete_second)
        other.start()
        # Until the server says the second session waits on a lock (the first's): a fixed sleep would
        # pass without testing anything when the thread had not reached the lock yet.
        deadline, waiting = time.monotonic() + 30, None
        with connection.cursor() as cursor:  # autocommit: each look is a fresh pg_stat_activity snapshot
            while waiting != "Lock" and time.monotonic() < deadline:
                time.sleep(0.02)
                cursor.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [two.info.backend_pid])
                waiting = (cursor.fetchone() or [None])[0]
        assert waiting == "Lock" and other.is_alive()  # the second writer waits for the first's lock
        one.commit()
        other.join(timeout=10)

    assert _kept()[car.client_id] == (day(3, 10), day(3, 11), 2, 0)

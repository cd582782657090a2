"""Builds the demo shop: a year and a half of a Nairobi car-care business, in every status.

Rows are written with bulk_create, which sends no model signals: loading history must not fire
today's workflows and text every demo client about jobs finished last year.
"""

import datetime
import random
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

from clients.models import Client
from fleet.models import OdometerReading, ReadingSource, Vehicle
from fleet.odometer import reading_flags
from fleet.ownership import ownerships_open_missing
from notifications.models import Notification, NotificationStatus, NotificationType
from servicing.models import Service, ServiceStatus, ServiceType

from . import driving, kenya

HISTORY_DAYS = 548  # a year and a half


def _phone(rng):
    return f"+254{rng.choice(kenya.MOBILE_PREFIXES)}{rng.randrange(1_000_000):06d}"


def _plate(rng, used):
    while True:
        plate = f"K{rng.choice('BCD')}{rng.choice('ABCDEFGHJKLMNPRSTUVWXYZ')} {rng.randrange(100, 1000)}{rng.choice('ABCDEFGHJKLMNPRSTUVWXYZ')}"
        if plate not in used:
            used.add(plate)
            return plate


def _vin(rng, wmi, used):
    while True:
        vin = wmi + "".join(rng.choice(kenya.VIN_ALPHABET) for _ in range(17 - len(wmi)))
        if vin not in used:
            used.add(vin)
            return vin


def _at(day, rng):
    """An aware moment during Nairobi shop hours on that day."""
    naive = datetime.datetime.combine(day, datetime.time(rng.randrange(8, 18), rng.randrange(60)))
    return timezone.make_aware(naive)


def _status_for(scheduled, today, rng):
    if scheduled < today - datetime.timedelta(days=3):
        roll = rng.random()
        if roll < 0.02:
            return ServiceStatus.PENDING  # overdue: booked, never brought in
        return ServiceStatus.CANCELLED if roll < 0.08 else ServiceStatus.COMPLETED
    if scheduled <= today:
        return rng.choice([ServiceStatus.IN_PROGRESS, ServiceStatus.IN_PROGRESS, ServiceStatus.PENDING, ServiceStatus.COMPLETED])
    return ServiceStatus.PENDING


def build_demo_shop(*, clients=120, seed=2026, today=None):
    """Create the demo shop in one transaction. Returns a dict of counts."""
    rng = random.Random(seed)
    today = today or timezone.localdate()
    start = today - datetime.timedelta(days=HISTORY_DAYS)
    plates: set[str] = set()
    vins: set[str] = set()
    emails: set[str] = set()
    service_types = kenya.service_types()
    prices = {name: (low, high) for name, low, high in service_types}
    interval_of = {name: (km, months) for name, km, months in
                   ServiceType.objects.filter(name__in=prices).values_list("name", "interval_km", "interval_months")}
    intervals = [(name, *interval_of[name]) for name in prices if any(interval_of.get(name, (None, None)))]
    repairs = [name for name in prices if not any(interval_of.get(name, (None, None)))]
    reading_rows: list[OdometerReading] = []
    client_rows: list[Client] = []
    vehicle_rows: list[Vehicle] = []
    service_rows: list[Service] = []
    notification_rows: list[Notification] = []

    for number in range(clients):
        first, last = rng.choice(kenya.FIRST_NAMES), rng.choice(kenya.LAST_NAMES)
        email = f"{first}.{last}".lower()
        while email in emails:
            email = f"{first}.{last}{rng.randrange(2, 99)}".lower()
        emails.add(email)
        joined = start + datetime.timedelta(days=rng.randrange(HISTORY_DAYS - 30))
        client = Client(
            first_name=first, last_name=last, email=f"{email}@example.co.ke",
            phone=_phone(rng) if rng.random() < 0.95 else None,
            address=f"{rng.randrange(1, 300)} {rng.choice(kenya.ESTATES)}, Nairobi",
            consent_gdpr=rng.random() < 0.7,
            created_at=_at(joined, rng),
            # One client in three reads their messages in Swahili (by position: the random draws, and
            # so the rest of the demo data, stay as they were).
            preferred_language="sw" if number % 3 == 2 else "en",
        )
        client_rows.append(client)
        # A long tail: most clients have one car, a few run a small fleet.
        for _ in range(rng.choices([1, 2, 3, 5], weights=[70, 20, 7, 3])[0]):
            make, model, wmi = rng.choice(kenya.CARS)
            bought = joined + datetime.timedelta(days=rng.randrange(0, 20))
            vehicle = Vehicle(
                client=client, make=make, model=model, year=rng.randrange(2008, 2021),
                vin=_vin(rng, wmi, vins), license_plate=_plate(rng, plates),
                mileage=0,
                metadata={"colour": rng.choice(kenya.COLOURS), "fuel": rng.choice(kenya.FUELS),
                          "transmission": rng.choice(kenya.TRANSMISSIONS)},
                created_at=_at(bought, rng),
            )
            vehicle_rows.append(vehicle)
            # Driven at its own km per day; it comes in when its services fall due (demo/driving.py).
            rate = driving.km_per_day(rng)
            mileage = float(rng.randrange(20_000, 160_000))
            car_readings = [OdometerReading(vehicle=vehicle, read_on=bought, mileage=int(mileage), source=ReadingSource.ADDED)]
            last = bought
            visits = driving.schedule(rng, rate=rate, start=1, end=(today + datetime.timedelta(days=14) - bought).days,
                                      interval_types=intervals, repairs=repairs)
            for offset, service_type in visits:
                day = bought + datetime.timedelta(days=offset)
                low, high = prices[service_type]
                status = _status_for(day, today, rng)
                completed = None
                if status == ServiceStatus.COMPLETED:
                    completed = min(day + datetime.timedelta(days=rng.choices([0, 1, 2, 4], [55, 25, 12, 8])[0]), today)
                mileage = driving.mileage_after(rng, mileage, rate=rate, days=(day - last).days)
                last = day
                service = Service(
                    vehicle=vehicle, service_type=service_type, status=status,
                    description=f"{service_type} at {int(mileage):,} km",
                    scheduled_date=day, completed_date=completed,
                    cost=Decimal(rng.randrange(low, high + 1, 50)),
                    technician=rng.choice(kenya.TECHNICIANS) if status != ServiceStatus.PENDING else None,
                    created_at=_at(day - datetime.timedelta(days=rng.randrange(1, 10)), rng),
                )
                service_rows.append(service)
                if completed is not None:
                    vehicle.mileage = int(mileage)
                    car_readings.append(OdometerReading(
                        vehicle=vehicle, read_on=completed, mileage=driving.typed(rng, int(mileage)),
                        source=ReadingSource.COMPLETION,
                    ))
                if status in (ServiceStatus.COMPLETED, ServiceStatus.IN_PROGRESS) and client.phone:
                    words = "is ready for collection" if status == ServiceStatus.COMPLETED else "is now being worked on"
                    failed = rng.random() < 0.04
                    notification_rows.append(Notification(
                        client=client, vehicle=vehicle, service=service, channel=NotificationType.SMS,
                        message=f"Hi {client.first_name}, your {make} {model} ({vehicle.license_plate}) {words}.",
                        status=NotificationStatus.FAILED if failed else NotificationStatus.SENT,
                        sent_at=_at(completed or day, rng),
                    ))
            car_readings.sort(key=lambda r: r.read_on)
            for reading, flag in zip(car_readings, reading_flags([(r.read_on, r.mileage) for r in car_readings])):
                reading.flag = flag
            reading_rows.extend(car_readings)
            vehicle.mileage = vehicle.mileage or car_readings[0].mileage

    with transaction.atomic():
        Client.objects.bulk_create(client_rows)
        Vehicle.objects.bulk_create(vehicle_rows)
        Service.objects.bulk_create(service_rows)
        # bulk_create skips fleet.services: each car's owner from its first day, or the portal shows it nothing.
        with connection.cursor() as cursor:
            ownerships_open_missing(cursor)
        OdometerReading.objects.bulk_create(reading_rows)
        Notification.objects.bulk_create(notification_rows)
    return {
        "clients": len(client_rows), "vehicles": len(vehicle_rows),
        "services": len(service_rows), "notifications": len(notification_rows),
    }

"""Rows of a shop grown into a chain: five years of clients, cars, jobs, messages and audit trail, at scale N.

Each table's row is built by one function here (`client_row`, `vehicle_row`, ...) returning a dict
{column: value}: the COPY writer (scale_copy.py) takes its column list from those keys, so adding a
column to a table is one line in its row function; columns left out get the database default.

Everything random comes from one `random.Random(seed)` and ids are derived from (seed, table, index),
so a seed always produces the same shop (relative to the day it is run). What is remembered between
tables is kept in compact arrays: scale 10 means a million services and three million messages.
"""

import datetime
import hashlib
import json
import random
import uuid
from array import array

from clients.models import Client
from notifications.models import NotificationStatus, NotificationType
from fleet.odometer import reading_flags
from servicing.models import ServiceStatus

from . import driving, kenya

# Bumped when the generator or the schema under it changes what a seeded database holds: bench
# databases seeded by an older version are seeded again rather than reused.
GENERATOR_VERSION = 7  # 5: invoices for every completed job (issue 16); 6: cars driven at their own km/day, odometer readings (issue 19); 7: payments and collected cars (issue 17)
# Rows per unit of scale, as the issue asks.
PER_SCALE = {
    "clients": 10_000,
    "vehicles": 15_000,
    "services": 100_000,
    "notifications": 300_000,
    "audit_logs": 1_000_000,
}
HISTORY_DAYS = 5 * 365
FUTURE_DAYS = 3  # bookings are taken up to this many days ahead
EMAIL_DOMAINS = ["example.co.ke", "mail.example.com", "example.org", "example.net"]
PLATE_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"
# KA?, KB?, KC?, KD? × letter × 100..999 × letter.
PLATE_SPACE = 4 * len(PLATE_LETTERS) * 900 * len(PLATE_LETTERS)
VIN_SERIAL_SPACE = len(kenya.VIN_ALPHABET) ** 6
STATUS_CODES = list(ServiceStatus.values)  # index stored per service in a byte array
PENDING, IN_PROGRESS, COMPLETED, CANCELLED = (STATUS_CODES.index(s) for s in (
    ServiceStatus.PENDING, ServiceStatus.IN_PROGRESS, ServiceStatus.COMPLETED, ServiceStatus.CANCELLED))
NO_DAY = 0xFFFF
MAX_SCALE = PLATE_SPACE // PER_SCALE["vehicles"] // 2  # keeps every plate unique with room to spare


def targets(scale):
    """How many rows of each table scale N asks for (at least one, and a car for every client)."""
    counts = {table: max(1, round(n * scale)) for table, n in PER_SCALE.items()}
    counts["vehicles"] = max(counts["vehicles"], counts["clients"])
    return counts


class Shop:
    """The random source, the calendar and what later tables need to know about earlier rows."""

    def __init__(self, *, scale, seed, today, using="default"):
        self.scale, self.seed, self.rng = scale, seed, random.Random(seed)
        self.targets = targets(scale)
        self.start = today - datetime.timedelta(days=HISTORY_DAYS)
        self.today = HISTORY_DAYS  # days are stored as offsets from self.start
        self.days = [self.start + datetime.timedelta(days=d) for d in range(HISTORY_DAYS + FUTURE_DAYS + 1)]
        self.service_types = kenya.service_types(using=using)  # the target database's catalogue
        self.staff_ids = [self.uuid("staff", k) for k in range(len(kenya.TECHNICIANS) + 3)]
        # Per client, per vehicle, per service: filled in by the row functions below.
        self.client_first = array("B")
        self.client_joined = array("H")
        self.client_has_phone = bytearray()
        self.vehicle_client = array("I")
        self.vehicle_car = array("B")
        self.vehicle_bought = array("H")
        self.vehicle_rate = array("f")  # km per day (demo/driving.py)
        self.vehicle_base = array("I")  # odometer when we met it
        self.interval_of = kenya.service_intervals(using=using)
        self.service_vehicle = array("I")
        self.service_day = array("H")
        self.service_done = array("H")
        self.service_status = bytearray()
        self.notification_day = array("H")
        self._email_counts = {}
        rng = self.rng
        self._plate_offset, self._vin_offset = rng.randrange(PLATE_SPACE), rng.randrange(VIN_SERIAL_SPACE)

    def uuid(self, table, index):
        digest = hashlib.blake2b(f"{self.seed}:{table}:{index}".encode(), digest_size=16).digest()
        return uuid.UUID(bytes=digest, version=4)

    def moment(self, day):
        """A naive UTC datetime during Nairobi shop hours (08:00–18:00 EAT is 05:00–15:00 UTC)."""
        r = self.rng.random()
        seconds = 5 * 3600 + int(r * 10 * 3600)
        return datetime.datetime.combine(self.days[day], datetime.time(seconds // 3600, seconds // 60 % 60, seconds % 60))

    def plate(self, index):
        # A multiplicative permutation of the plate space: unique for every index, scattered like real plates.
        n = (index * 823_543 + self._plate_offset) % PLATE_SPACE  # 7**7, coprime with the space
        n, last = divmod(n, len(PLATE_LETTERS))
        n, digits = divmod(n, 900)
        n, third = divmod(n, len(PLATE_LETTERS))
        return f"K{'ABCD'[n]}{PLATE_LETTERS[third]} {digits + 100}{PLATE_LETTERS[last]}"

    def vin(self, index, wmi):
        rng, alphabet = self.rng, kenya.VIN_ALPHABET
        n = (index * 797_003_437 + self._vin_offset) % VIN_SERIAL_SPACE  # coprime with 33**6
        serial = []
        for _ in range(6):
            n, digit = divmod(n, len(alphabet))
            serial.append(alphabet[digit])
        middle = "".join(alphabet[int(rng.random() * len(alphabet))] for _ in range(17 - len(wmi) - 6))
        return wmi + middle + "".join(serial)


def _contact_fields():
    # email, phone and any column the model derives from them (a keyed hash, say).
    return [f for f in Client._meta.concrete_fields
            if f.name in ("email", "phone") or getattr(f, "source", None) in ("email", "phone")]


def _client_contact_columns(email, phone, *, connection, fields=None):
    """The contact columns exactly as the model fields would write them.

    Through each field's pre_save and get_db_prep_save: plain text today; once email and phone are
    encrypted (issue #5) this yields the ciphertexts and their keyed-hash columns with no change here.
    """
    client = Client(email=email, phone=phone)
    return {f.column: f.get_db_prep_save(f.pre_save(client, add=True), connection)
            for f in (fields or _contact_fields())}


def client_rows(shop, *, connection):
    rng, fields = shop.rng, _contact_fields()
    for i in range(shop.targets["clients"]):
        first_index = int(rng.random() * len(kenya.FIRST_NAMES))
        first, last = kenya.FIRST_NAMES[first_index], rng.choice(kenya.LAST_NAMES)
        # A fifth were already clients when the records start; the rest joined a growing business.
        roll = rng.random()
        joined = int(60 * roll / 0.2) if roll < 0.2 else min(int(HISTORY_DAYS * rng.random() ** 0.75), shop.today - 1)
        has_phone = rng.random() < 0.95
        shop.client_first.append(first_index)
        shop.client_joined.append(joined)
        shop.client_has_phone.append(has_phone)
        yield client_row(shop, i, first, last, joined, has_phone, connection=connection, fields=fields)


def client_row(shop, i, first, last, joined, has_phone, *, connection, fields):
    rng = shop.rng
    base = f"{first}.{last}".lower()
    n = shop._email_counts.get(base, 0) + 1
    shop._email_counts[base] = n
    # Names hold no digits, so base + count never repeats: emails are unique by construction.
    email = f"{base}{n if n > 1 else ''}@{EMAIL_DOMAINS[n % len(EMAIL_DOMAINS)]}"
    phone = f"+254{rng.choice(kenya.MOBILE_PREFIXES)}{int(rng.random() * 1_000_000):06d}" if has_phone else None
    created = shop.moment(joined)
    return {
        "id": shop.uuid("clients", i),
        "first_name": first,
        "last_name": last,
        **_client_contact_columns(email, phone, connection=connection, fields=fields),
        "address": f"{1 + int(rng.random() * 300)} {rng.choice(kenya.ESTATES)}, Nairobi",
        "consent_gdpr": rng.random() < 0.7,
        "created_at": created,
        "updated_at": created,
    }


def _owners(shop):
    """Which client owns each car: one each, and the rest to a long tail (a few run whole fleets)."""
    rng, clients = shop.rng, shop.targets["clients"]
    extra = shop.targets["vehicles"] - clients
    weights = [rng.paretovariate(1.3) for _ in range(clients)]
    owners = list(range(clients)) + rng.choices(range(clients), weights=weights, k=extra)
    owners.sort()
    return owners


def vehicle_rows(shop):
    rng = shop.rng
    for i, owner in enumerate(_owners(shop)):
        car = int(rng.random() * len(kenya.CARS))
        bought = min(shop.client_joined[owner] + int(rng.random() * 30), shop.today - 1)
        shop.vehicle_client.append(owner)
        shop.vehicle_car.append(car)
        shop.vehicle_bought.append(bought)
        shop.vehicle_rate.append(driving.km_per_day(rng))
        shop.vehicle_base.append(20_000 + int(rng.random() * 120_000))
        yield vehicle_row(shop, i, owner, car, bought)


def vehicle_row(shop, i, owner, car, bought):
    rng = shop.rng
    make, model, wmi = kenya.CARS[car]
    mileage = shop.vehicle_base[i] + int(shop.vehicle_rate[i] * (shop.today - bought))
    created = shop.moment(bought)
    return {
        "id": shop.uuid("vehicles", i),
        "client_id": shop.uuid("clients", owner),
        "make": make,
        "model": model,
        "year": 2005 + int(rng.random() * 19),
        "vin": shop.vin(i, wmi),
        "license_plate": shop.plate(i),
        "mileage": mileage,
        "metadata": json.dumps({"colour": rng.choice(kenya.COLOURS), "fuel": rng.choice(kenya.FUELS),
                                "transmission": rng.choice(kenya.TRANSMISSIONS)}),
        "created_at": created,
        "updated_at": created,
    }


def _jobs_per_vehicle(shop):
    """How many jobs each car has had: in proportion to its time with us, times how hard it is driven."""
    rng, vehicles, last_day = shop.rng, len(shop.vehicle_client), shop.today + FUTURE_DAYS
    weights = [(last_day - shop.vehicle_bought[v]) * rng.lognormvariate(0, 0.9) for v in range(vehicles)]
    counts = [0] * vehicles
    for v in rng.choices(range(vehicles), weights=weights, k=shop.targets["services"]):
        counts[v] += 1
    return counts


def _status(rng, day, today):
    if day > today:
        return PENDING
    roll = rng.random()
    if day >= today - 2:  # this week's jobs: on the board
        return IN_PROGRESS if roll < 0.45 else PENDING if roll < 0.7 else COMPLETED if roll < 0.95 else CANCELLED
    if roll < 0.0005:
        return PENDING  # overdue: booked, never brought in
    return CANCELLED if roll < 0.055 else COMPLETED


def _visits(shop, vehicle, count):
    """(day, service type) of a car's `count` jobs: the last `count` visits of its driving schedule
    (demo/driving.py: it comes in when its services fall due at its km per day), padded with repairs
    on random days when the schedule has fewer."""
    rng, first, last = shop.rng, shop.vehicle_bought[vehicle] + 1, shop.today + FUTURE_DAYS
    names = [name for name, _, _ in shop.service_types]
    intervals = [(name, *shop.interval_of[name]) for name in names if any(shop.interval_of.get(name, (None, None)))]
    repairs = [name for name in names if not any(shop.interval_of.get(name, (None, None)))] or names
    visits = driving.schedule(rng, rate=shop.vehicle_rate[vehicle], start=first, end=last,
                              interval_types=intervals, repairs=repairs)[-count:] if count else []
    while len(visits) < count:
        visits.append((first + int(rng.random() * (last - first + 1)), rng.choice(repairs)))
    visits.sort()
    return visits


def _mileage_on(shop, vehicle, day):
    return shop.vehicle_base[vehicle] + int(shop.vehicle_rate[vehicle] * (day - shop.vehicle_bought[vehicle]))


def service_rows(shop):
    rng, today, i = shop.rng, shop.today, 0
    prices = {name: (low, high) for name, low, high in shop.service_types}
    shop.readings = []  # (vehicle, day, km, source), in car order: odometer_rows writes them
    for vehicle, count in enumerate(_jobs_per_vehicle(shop)):
        shop.readings.append((vehicle, shop.vehicle_bought[vehicle], shop.vehicle_base[vehicle], "added"))
        for day, service_type in _visits(shop, vehicle, count):
            status = _status(rng, day, today)
            done = NO_DAY
            if status == COMPLETED:
                done = min(day + rng.choices((0, 1, 2, 4), (55, 25, 12, 8))[0], today)
                shop.readings.append((vehicle, done, driving.typed(rng, _mileage_on(shop, vehicle, done)), "completion"))
            shop.service_vehicle.append(vehicle)
            shop.service_day.append(day)
            shop.service_done.append(done)
            shop.service_status.append(status)
            yield service_row(shop, i, vehicle, day, done, status, _mileage_on(shop, vehicle, day),
                              service_type=service_type, price=prices[service_type])
            i += 1


def odometer_rows(shop):
    """Each car's readings (when we met it, at each completed job), flagged by fleet's rule."""
    start = 0
    while start < len(shop.readings):
        end = start
        while end < len(shop.readings) and shop.readings[end][0] == shop.readings[start][0]:
            end += 1
        car = sorted(shop.readings[start:end], key=lambda r: r[1])
        for (vehicle, day, km, source), flag in zip(car, reading_flags([(shop.days[d], k) for _, d, k, _ in car])):
            yield {"vehicle_id": shop.uuid("vehicles", vehicle), "read_on": shop.days[day], "mileage": km,
                   "source": source, "flag": str(flag)}
        start = end
    shop.readings = []


def service_row(shop, i, vehicle, day, done, status, mileage, *, service_type, price):
    rng = shop.rng
    low, high = price
    booked = max(day - int(rng.random() * 14), shop.vehicle_bought[vehicle])
    created = shop.moment(booked)
    cost = 0 if status == CANCELLED else low + int(rng.random() * (high - low) / 50) * 50
    return {
        "id": shop.uuid("services", i),
        "vehicle_id": shop.uuid("vehicles", vehicle),
        "service_type": service_type,
        "description": f"{service_type} at {mileage:,} km",
        "status": STATUS_CODES[status],
        "scheduled_date": shop.days[day],
        "completed_date": None if done == NO_DAY else shop.days[done],
        "cost": f"{cost}.00",
        "technician": None if status == PENDING else rng.choice(kenya.TECHNICIANS),
        "notes": "Client waiting on site." if rng.random() < 0.05 else None,
        "created_at": created,
        "updated_at": created if done == NO_DAY else shop.moment(done),
    }


_DELIVERY_DELAY = datetime.timedelta(seconds=4)
_FAILURES = {
    NotificationType.SMS: ["Provider answered 502 Bad Gateway", "Number not reachable (InvalidPhoneNumber)"],
    NotificationType.EMAIL: ["SMTP 550: mailbox unavailable", "Connection to SMTP server timed out"],
    NotificationType.IN_APP: ["Client has no portal session"],
}
_SERVICE_MESSAGES = {
    "booked": "your {car} ({plate}) is booked in on {day}.",
    "started": "your {car} ({plate}) is now being worked on.",
    "ready": "your {car} ({plate}) is ready for collection.",
    "cancelled": "your booking for the {car} ({plate}) has been cancelled.",
    "reminder": "your {car} ({plate}) is due for its next service. Reply to book.",
}


def _events(shop, s):
    """(kind, day) of the messages a job sends: booked, started, ready or cancelled."""
    status, day = shop.service_status[s], shop.service_day[s]
    if shop.rng.random() < 0.8:
        yield "booked", max(day - 3, shop.vehicle_bought[shop.service_vehicle[s]])
    if status in (IN_PROGRESS, COMPLETED):
        yield "started", day
    if status == COMPLETED:
        yield "ready", shop.service_done[s]
    elif status == CANCELLED:
        yield "cancelled", day


def notification_rows(shop):
    """Every job's messages, then reminders (no job yet) up to the target; capped at the target."""
    rng, target, i = shop.rng, shop.targets["notifications"], 0
    for s in range(len(shop.service_status)):
        for kind, day in _events(shop, s):
            if i == target:
                return
            shop.notification_day.append(day)
            yield notification_row(shop, i, shop.service_vehicle[s], s, kind, day)
            i += 1
    vehicles = len(shop.vehicle_client)
    while i < target:
        vehicle = int(rng.random() * vehicles)
        day = shop.vehicle_bought[vehicle] + int(rng.random() * (shop.today - shop.vehicle_bought[vehicle]))
        shop.notification_day.append(day)
        yield notification_row(shop, i, vehicle, None, "reminder", day)
        i += 1


def notification_row(shop, i, vehicle, service, kind, day):
    rng, client = shop.rng, shop.vehicle_client[vehicle]
    make, model, _ = kenya.CARS[shop.vehicle_car[vehicle]]
    text = _SERVICE_MESSAGES[kind].format(car=f"{make} {model}", plate=shop.plate(vehicle), day=shop.days[day])
    roll = rng.random()
    channel = (NotificationType.SMS if shop.client_has_phone[client] and roll < 0.65
               else NotificationType.IN_APP if roll > 0.95 else NotificationType.EMAIL)
    status = NotificationStatus.FAILED if rng.random() < 0.04 else NotificationStatus.SENT
    if day >= shop.today and rng.random() < 0.3:
        status = NotificationStatus.PENDING  # still queued
    written = shop.moment(min(day, shop.today))
    return {
        "id": shop.uuid("notifications", i),
        "client_id": shop.uuid("clients", client),
        "vehicle_id": shop.uuid("vehicles", vehicle),
        "service_id": None if service is None else shop.uuid("services", service),
        "type": channel.value,
        "message": f"Hi {kenya.FIRST_NAMES[shop.client_first[client]]}, {text}",
        # Delivery (#4): sent_at only once sent; a failure keeps its reason after the retries ran out.
        "sent_at": written + _DELIVERY_DELAY if status == NotificationStatus.SENT else None,
        "status": status.value,
        "created_at": written,
        "attempts": {NotificationStatus.SENT: 1, NotificationStatus.FAILED: 3}.get(status, 0),
        "error": rng.choice(_FAILURES[channel]) if status == NotificationStatus.FAILED else "",
    }

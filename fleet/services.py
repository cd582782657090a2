"""Writes to cars. The admin, the client page's car rows, the CSV import and test factories call these,
never .save(): the service that makes a change sends its signal (fleet/signals.py)."""

from collections.abc import Collection

from django.contrib.auth.models import AbstractBaseUser
import datetime
import uuid

from django.db import connection, transaction
from django.utils import timezone

from concierge.db.functions import CurrentTimestamp

from . import signals
from .models import OdometerReading, ReadingSource, Vehicle, VehicleOwnership
from .odometer import flags_write
from .validators import validate_mileage


@transaction.atomic
def vehicle_create(
    *, vehicle: Vehicle, by: AbstractBaseUser | None = None, source: str = ReadingSource.ADDED,
) -> Vehicle:
    """Register a car (an unsaved Vehicle, as a form built it) and say so: vehicle_added, in this
    transaction. Its mileage, when one was given, is its first odometer reading."""
    vehicle.save(force_insert=True)
    # Its first owner from the moment the row was made (the database's clock, as for jobs' created_at).
    VehicleOwnership.objects.create(vehicle=vehicle, client_id=vehicle.client_id, started_at=vehicle.created_at)
    signals.vehicle_added.send(sender=Vehicle, vehicle=vehicle, by=by)
    if vehicle.mileage:
        odometer_reading_record(vehicle=vehicle, mileage=vehicle.mileage, source=source)
    return vehicle


@transaction.atomic
def vehicle_update(
    *, vehicle: Vehicle, fields: Collection[str], by: AbstractBaseUser | None = None, locked: Vehicle | None = None,
    source: str = ReadingSource.ADMIN,
) -> bool:
    """Write `fields` of a registered car (the admin passes the columns its user changed). Returns
    whether the mileage changed.

    A new reading is compared with the stored one on the row locked in this transaction, as
    service_change_status does with a status: `locked` is that row when the caller holds it already
    (the admin form's stale-edit check), else it is locked here. A differing reading sends
    vehicle_mileage_changed with both readings and `by`, and is kept as a dated odometer reading from
    `source`; the same reading is no change and sends nothing.

    A new client (the car was sold) is compared on the same locked row: the old owner's period ends
    and the new one's begins now (vehicle_ownership_transfer), and vehicle_client_changed is sent.
    """
    if not fields:
        return False
    old_mileage = old_client_id = None
    if "mileage" in fields or "client" in fields:
        if locked is None:
            locked = Vehicle.objects.select_for_update().only("mileage", "client_id").get(pk=vehicle.pk)
        old_mileage = locked.mileage if "mileage" in fields else None
        old_client_id = locked.client_id if "client" in fields else None
    vehicle.save(update_fields=list(fields))
    if old_client_id is not None and old_client_id != vehicle.client_id:
        vehicle_ownership_transfer(vehicle=vehicle)
        signals.vehicle_client_changed.send(
            sender=Vehicle, vehicle=vehicle, old_client_id=old_client_id, new_client_id=vehicle.client_id, by=by,
        )
    if old_mileage is None or old_mileage == vehicle.mileage:
        return False
    signals.vehicle_mileage_changed.send(
        sender=Vehicle, vehicle=vehicle, old_mileage=old_mileage, new_mileage=vehicle.mileage, by=by,
    )
    odometer_reading_record(vehicle=vehicle, mileage=vehicle.mileage, source=source)
    return True


@transaction.atomic
def vehicle_client_change(*, vehicle: Vehicle, client_id: uuid.UUID | str, by: AbstractBaseUser | None = None) -> bool:
    """The car was sold (or registered to the wrong client): it is `client_id`'s from now on, its
    earlier jobs stay its earlier owner's. The row is locked first, so two changes at once run one
    after the other, each ending the period the other began. Returns whether the client changed."""
    locked = Vehicle.objects.select_for_update().only("mileage", "client_id").get(pk=vehicle.pk)
    vehicle.client_id = client_id
    if str(locked.client_id) == str(client_id):
        return False
    vehicle_update(vehicle=vehicle, fields=["client"], by=by, locked=locked)
    return True


def vehicle_ownership_transfer(*, vehicle: Vehicle) -> VehicleOwnership:
    """End the car's open period and open `vehicle.client_id`'s, at this transaction's time (the clock
    jobs' created_at is read from, so a job belongs to exactly one side of the change). Called by
    vehicle_update with the car's row locked. A period begun in this same transaction (a car added and
    given to another client at once) is handed over instead: it would end where it started."""
    current = VehicleOwnership.objects.select_for_update().filter(vehicle=vehicle, ended_at__isnull=True).first()
    if current is not None:
        ended = VehicleOwnership.objects.filter(pk=current.pk, started_at__lt=CurrentTimestamp()).update(
            ended_at=CurrentTimestamp())
        if not ended:
            current.client_id = vehicle.client_id
            current.save(update_fields=["client"])
            return current
    return VehicleOwnership.objects.create(vehicle=vehicle, client_id=vehicle.client_id, started_at=CurrentTimestamp())


@transaction.atomic
def vehicle_mileage_record(
    *, vehicle: Vehicle, mileage: int, source: str, by: AbstractBaseUser | None = None,
) -> bool:
    """A reading taken with a job (at booking, at completion): the car's mileage moves to it when it
    is higher, as a staff edit would; a lower one is kept as a reading only (flagged backwards), never
    lowering the car's mileage without the "correct the mileage" tick. Returns whether the car changed.
    A reading outside 0..ODOMETER_MAX_KM raises ValidationError, nothing written."""
    validate_mileage(mileage)
    locked = Vehicle.objects.select_for_update().only("mileage").get(pk=vehicle.pk)
    if mileage > locked.mileage:
        vehicle.mileage = mileage
        return vehicle_update(vehicle=vehicle, fields=["mileage"], by=by, locked=locked, source=source)
    odometer_reading_record(vehicle=vehicle, mileage=mileage, source=source)
    return False


@transaction.atomic
def odometer_reading_record(
    *, vehicle: Vehicle, mileage: int, source: str, read_on: datetime.date | None = None,
) -> OdometerReading:
    """Keep one dated reading of the car and (re)flag the car's readings by fleet.odometer's rule;
    says so with odometer_reading_recorded (forecasting refreshes the car's predictions after commit)."""
    reading = OdometerReading.objects.create(
        vehicle=vehicle, mileage=mileage, source=source, read_on=read_on or timezone.localdate(),
    )
    with connection.cursor() as cursor:
        flags_write(cursor, vehicle_ids=[vehicle.pk])
    reading.refresh_from_db(fields=["flag"])
    signals.odometer_reading_recorded.send(sender=OdometerReading, vehicle=vehicle, reading=reading)
    return reading

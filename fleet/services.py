"""Writes to cars. The admin, the client page's car rows, the CSV import and test factories call these,
never .save(): the service that makes a change sends its signal (fleet/signals.py)."""

from collections.abc import Collection

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from . import signals
from .models import Vehicle


@transaction.atomic
def vehicle_create(*, vehicle: Vehicle, by: AbstractBaseUser | None = None) -> Vehicle:
    """Register a car (an unsaved Vehicle, as a form built it) and say so: vehicle_added, in this
    transaction."""
    vehicle.save(force_insert=True)
    signals.vehicle_added.send(sender=Vehicle, vehicle=vehicle, by=by)
    return vehicle


@transaction.atomic
def vehicle_update(
    *, vehicle: Vehicle, fields: Collection[str], by: AbstractBaseUser | None = None, locked: Vehicle | None = None,
) -> bool:
    """Write `fields` of a registered car (the admin passes the columns its user changed). Returns
    whether the mileage changed.

    A new reading is compared with the stored one on the row locked in this transaction, as
    service_change_status does with a status: `locked` is that row when the caller holds it already
    (the admin form's stale-edit check), else it is locked here. A differing reading sends
    vehicle_mileage_changed with both readings and `by`; the same reading is no change and sends nothing.
    """
    if not fields:
        return False
    old_mileage = None
    if "mileage" in fields:
        if locked is None:
            locked = Vehicle.objects.select_for_update().only("mileage").get(pk=vehicle.pk)
        old_mileage = locked.mileage
    vehicle.save(update_fields=list(fields))
    if old_mileage is None or old_mileage == vehicle.mileage:
        return False
    signals.vehicle_mileage_changed.send(
        sender=Vehicle, vehicle=vehicle, old_mileage=old_mileage, new_mileage=vehicle.mileage, by=by,
    )
    return True

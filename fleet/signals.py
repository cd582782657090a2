"""What happens to a car, said by the service that does it (fleet/services.py), and turned here into
named workflow events (concierge/workflows/events.py). Nothing else happens here.

Sent with the model as sender, inside the service's transaction, right after the write (a receiver's
Event row commits or rolls back with the change). A plain Vehicle.save() says nothing: every writer
(the admin, the client page's car rows, the CSV import, test factories) goes through fleet.services.

- vehicle_added(vehicle, by): a car was registered. Sent by vehicle_create.
- vehicle_mileage_changed(vehicle, old_mileage, new_mileage, by): the odometer reading changed. Sent by
  vehicle_update when the reading differs from the row as locked in its transaction.

- vehicle_client_changed(vehicle, old_client_id, new_client_id, by): the car changed hands (sold, or
  put right); its ownership periods were moved in the same transaction. Sent by vehicle_update. No
  workflow listens yet: kept so that one can without the service changing.

- odometer_reading_recorded(vehicle, reading): a dated odometer reading was kept (and flagged). Sent
  by odometer_reading_record; forecasting refreshes the car's predictions from it.

`by` is the acting user, or None for the system (a command, an import without a user).
"""

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.dispatch import Signal

from concierge.workflows import events

from . import workflow_events
from .models import Vehicle

vehicle_added = Signal()
vehicle_mileage_changed = Signal()
vehicle_client_changed = Signal()
odometer_reading_recorded = Signal()


def vehicle_added_event(
    sender: type[Vehicle], *, vehicle: Vehicle, by: AbstractBaseUser | None, **kwargs: Any,
) -> None:
    events.event_emit(name=workflow_events.VEHICLE_ADDED, vehicle=vehicle)


def vehicle_mileage_changed_event(
    sender: type[Vehicle], *, vehicle: Vehicle, old_mileage: int, new_mileage: int, by: AbstractBaseUser | None,
    **kwargs: Any,
) -> None:
    events.event_emit(
        name=workflow_events.VEHICLE_MILEAGE_UPDATED, vehicle=vehicle,
        payload={"old_mileage": old_mileage, "new_mileage": new_mileage},
    )


def connect() -> None:
    vehicle_added.connect(vehicle_added_event, sender=Vehicle, dispatch_uid="fleet.vehicle_added_event")
    vehicle_mileage_changed.connect(
        vehicle_mileage_changed_event, sender=Vehicle, dispatch_uid="fleet.vehicle_mileage_changed_event",
    )

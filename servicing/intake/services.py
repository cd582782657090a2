"""The one-page booking's write: a job (or several) for a known car, a new car of a known client, or a
new client with a new car, through the same services the admin calls, so the same events fire
(client_created, vehicle_added, vehicle_mileage_changed, service_created), all in one transaction."""

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction

from clients.models import Client
from clients.services import client_create
from fleet.models import Vehicle
from fleet.services import vehicle_create, vehicle_update
from fleet.validators import validate_mileage

from ..models import Service
from ..services import service_create


@transaction.atomic
def booking_create(
    *, client: Client, vehicle: Vehicle, services: list[Service], mileage: int | None = None,
    by: AbstractBaseUser | None = None,
) -> list[Service]:
    """Save what the booking page gathered: `client` and `vehicle` unsaved when they are new, the jobs
    always unsaved. All or nothing.

    A known car's reading (`mileage`) is compared with the stored one on the row locked here, as
    vehicle_update does: lower than the last is refused with ValidationError({"mileage": ...}) and
    nothing is written (a correction is made on the car's own page, with its tick box).
    """
    if client._state.adding:
        client_create(client=client, by=by)
    vehicle.client = client
    if vehicle._state.adding:
        if mileage is not None:
            vehicle.mileage = mileage
        vehicle_create(vehicle=vehicle, by=by)
    elif mileage is not None:
        locked = Vehicle.objects.select_for_update().only("mileage").get(pk=vehicle.pk)
        try:
            validate_mileage(mileage, previous=locked.mileage)
        except ValidationError as error:
            raise ValidationError({"mileage": error.messages}) from None
        vehicle.mileage = mileage
        vehicle_update(vehicle=vehicle, fields=["mileage"], by=by, locked=locked)
    for service in services:
        service.vehicle = vehicle
        service_create(service=service, by=by)
    return services

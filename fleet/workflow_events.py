"""What the workflow engine knows about cars, registered from fleet.apps: the car subject (it belongs
to its owner), its events, the vehicle_make condition and the car placeholders
(concierge/workflows/registry.py)."""

from typing import Any

from concierge.workflows.registry import ActionContext, registry

VEHICLE_ADDED = "vehicle_added"
VEHICLE_MILEAGE_UPDATED = "vehicle_mileage_updated"


def _owner(vehicle: Any) -> Any:
    return vehicle.client


def _make_is(make: str, context: ActionContext) -> bool:
    return context.vehicle is not None and context.vehicle.make.casefold() == make.casefold()


def _vehicle_values(vehicle: Any, dry_run: bool) -> dict[str, Any]:
    return {
        "plate": vehicle.license_plate or vehicle.vin,
        "car": f"{vehicle.make} {vehicle.model}",
        "mileage": f"{vehicle.mileage:,} km",
    }


def register() -> None:
    registry.subject_register("car", label="car", parent_of=_owner)
    registry.event_register(VEHICLE_ADDED, label="A car was added", subject="car")
    registry.event_register(VEHICLE_MILEAGE_UPDATED, label="A car's mileage was updated", subject="car")
    registry.condition_register(
        "vehicle_make", holds=_make_is,
        schema={"type": "string", "minLength": 1, "description": "the car's make is this (case-insensitive)"},
    )
    registry.placeholders_register("car", names={"plate", "car", "mileage"}, values=_vehicle_values)

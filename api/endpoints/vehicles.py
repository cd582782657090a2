import datetime
import uuid

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Router, Status

from fleet.admin import vehicle_save_from_form
from fleet.forms import VehicleForm
from fleet.models import Vehicle
from fleet.validators import normalise_plate

from ..auth import require
from ..filters import since, text
from ..idempotency import idempotent_create
from ..pagination import paginate
from ..schemas import Page, VehicleIn, VehicleOut
from ..writes import FormRefused, bound_form, check_form, etag, if_match_version
from .common import ERRORS, IDEMPOTENCY_KEY, IF_MATCH, LIMIT, WRITE_ERRORS

router = Router(tags=["vehicles"])


def vehicle_out(vehicle: Vehicle) -> VehicleOut:
    return VehicleOut.model_validate(vehicle, from_attributes=True)


@router.get("/vehicles", response={200: Page[VehicleOut], **ERRORS})
def list_vehicles(
    request: HttpRequest, client: uuid.UUID | None = None, plate: str | None = None,
    updated_since: datetime.datetime | None = None, cursor: str | None = None, limit: int = LIMIT,
):
    """Cars, filtered by owner, by plate (typed any usual way: `kda123a` finds `KDA 123A`) or by change time."""
    require(request, "vehicles:read")
    queryset = since(Vehicle.objects.all(), "updated_at", updated_since, "updated_since")
    if client is not None:
        queryset = queryset.filter(client_id=client)
    if plate is not None:
        try:
            queryset = queryset.filter(license_plate=normalise_plate(text(plate, "plate")))
        except ValidationError as error:
            raise FormRefused([("plate", message) for message in error.messages]) from None
    rows, next_cursor = paginate(queryset, cursor=text(cursor, "cursor"), limit=limit)
    return {"results": [vehicle_out(v) for v in rows], "next_cursor": next_cursor}


@router.get("/vehicles/{vehicle_id}", response={200: VehicleOut, **ERRORS})
def get_vehicle(request: HttpRequest, response: HttpResponse, vehicle_id: uuid.UUID):
    require(request, "vehicles:read")
    vehicle = get_object_or_404(Vehicle, pk=vehicle_id)
    response["ETag"] = etag(vehicle)
    return vehicle_out(vehicle)


@router.post("/vehicles", response={201: VehicleOut, 200: VehicleOut, **WRITE_ERRORS})
def create_vehicle(request: HttpRequest, response: HttpResponse, payload: VehicleIn, idempotency_key: str | None = IDEMPOTENCY_KEY):
    """Register a car, checked as the admin's vehicle form checks it (plate, VIN, year, mileage)."""
    key = require(request, "vehicles:write")

    def create() -> Vehicle:
        form = bound_form(VehicleForm, changes=payload.dict(exclude_unset=True))
        check_form(form)
        vehicle = form.save(commit=False)
        vehicle_save_from_form(vehicle, form=form, change=False, by=key.acting_user)
        return vehicle

    vehicle, created = idempotent_create(request, idempotency_key, key=key, resource="vehicles", create=create, model=Vehicle)
    vehicle.refresh_from_db()
    response["ETag"] = etag(vehicle)
    return Status(201 if created else 200, vehicle_out(vehicle))


@router.patch("/vehicles/{vehicle_id}", response={200: VehicleOut, **WRITE_ERRORS})
def update_vehicle(request: HttpRequest, response: HttpResponse, vehicle_id: uuid.UUID, payload: VehicleIn, if_match: str | None = IF_MATCH):
    """Change some fields (If-Match required); a new mileage is kept as a reading, as in the admin."""
    key = require(request, "vehicles:write")
    version = if_match_version(if_match)
    with transaction.atomic():
        vehicle = get_object_or_404(Vehicle, pk=vehicle_id)
        form = bound_form(VehicleForm, changes=payload.dict(exclude_unset=True), instance=vehicle, version=version)
        check_form(form)
        vehicle_save_from_form(form.save(commit=False), form=form, change=True, by=key.acting_user)
    vehicle.refresh_from_db()
    response["ETag"] = etag(vehicle)
    return vehicle_out(vehicle)

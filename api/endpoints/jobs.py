"""Service jobs. A status change goes through servicing.services.service_change_status with the key's
acting user, exactly as the admin's save does (servicing.admin.ServiceAdmin.save_model): the same
lifecycle checks under the same row lock, the same service_status_changed signal and its events."""

import datetime
import uuid

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Router, Status
from ninja.errors import HttpError

from concierge.admin.concurrency import changed_columns
from fleet.models import ReadingSource
from fleet.services import vehicle_mileage_record
from servicing.forms import ServiceForm
from servicing.lifecycle import InvalidTransition
from servicing.models import Service, ServiceStatus
from servicing.services import service_change_status, service_create, service_update

from ..auth import require
from ..filters import since, text
from ..idempotency import idempotent_create
from ..pagination import paginate
from ..schemas import Page, ServiceIn, ServiceOut
from ..writes import bound_form, check_form, etag, if_match_version
from .common import ERRORS, IDEMPOTENCY_KEY, IF_MATCH, LIMIT, WRITE_ERRORS

router = Router(tags=["services"])


def service_out(service: Service) -> ServiceOut:
    return ServiceOut.model_validate(service, from_attributes=True)


@router.get("/services", response={200: Page[ServiceOut], **ERRORS})
def list_services(
    request: HttpRequest, status: ServiceStatus | None = None, vehicle: uuid.UUID | None = None,
    client: uuid.UUID | None = None, updated_since: datetime.datetime | None = None,
    cursor: str | None = None, limit: int = LIMIT,
):
    require(request, "services:read")
    queryset = since(Service.objects.all(), "updated_at", updated_since, "updated_since")
    if status is not None:
        queryset = queryset.filter(status=status)
    if vehicle is not None:
        queryset = queryset.filter(vehicle_id=vehicle)
    if client is not None:
        queryset = queryset.filter(vehicle__client_id=client)
    rows, next_cursor = paginate(queryset, cursor=text(cursor, "cursor"), limit=limit)
    return {"results": [service_out(s) for s in rows], "next_cursor": next_cursor}


@router.get("/services/{service_id}", response={200: ServiceOut, **ERRORS})
def get_service(request: HttpRequest, response: HttpResponse, service_id: uuid.UUID):
    require(request, "services:read")
    service = get_object_or_404(Service, pk=service_id)
    response["ETag"] = etag(service)
    return service_out(service)


@router.post("/services", response={201: ServiceOut, 200: ServiceOut, **WRITE_ERRORS})
def create_service(request: HttpRequest, response: HttpResponse, payload: ServiceIn, idempotency_key: str | None = IDEMPOTENCY_KEY):
    """Book a job (it starts pending), checked as the admin's job form checks it; service_created fires."""
    key = require(request, "services:write")

    def create() -> Service:
        form = bound_form(ServiceForm, changes=payload.dict(exclude_unset=True))
        check_form(form)
        return service_create(service=form.save(commit=False), by=key.acting_user, mileage=form.cleaned_data.get("odometer"))

    service, created = idempotent_create(request, idempotency_key, key=key, resource="services", create=create, model=Service)
    service.refresh_from_db()
    response["ETag"] = etag(service)
    return Status(201 if created else 200, service_out(service))


@router.patch("/services/{service_id}", response={200: ServiceOut, **WRITE_ERRORS})
def update_service(request: HttpRequest, response: HttpResponse, service_id: uuid.UUID, payload: ServiceIn, if_match: str | None = IF_MATCH):
    """Change some fields and/or move the status (If-Match required). A refused move is a 422 on
    `status` with the lifecycle's reason; a move the job can no longer make (it moved on meanwhile) 409."""
    key = require(request, "services:write")
    version = if_match_version(if_match)
    try:
        with transaction.atomic():
            service = get_object_or_404(Service, pk=service_id)
            form = bound_form(ServiceForm, changes=payload.dict(exclude_unset=True), instance=service, version=version)
            check_form(form)
            obj = form.save(commit=False)
            odometer = form.cleaned_data.get("odometer")
            stored = form.locked_row or Service.objects.select_for_update().get(pk=obj.pk)
            moving = obj.status != stored.status
            lifecycle = {"status", "completed_date"} if moving else {"status"}
            service_update(service=obj, fields=[f for f in changed_columns(obj, stored) if f not in lifecycle])
            if moving:
                service_change_status(
                    service=obj, status=obj.status, by=key.acting_user, completed_date=obj.completed_date,
                    mileage=odometer,
                )
            if odometer is not None and not (moving and obj.status == ServiceStatus.COMPLETED):
                vehicle_mileage_record(vehicle=obj.vehicle, mileage=odometer, source=ReadingSource.ADMIN, by=key.acting_user)
    except InvalidTransition as error:
        raise HttpError(409, str(error)) from None
    service.refresh_from_db()
    response["ETag"] = etag(service)
    return service_out(service)

"""What the API answers and accepts (pydantic, through django-ninja): the OpenAPI schema is made from these."""

import datetime
import uuid
from decimal import Decimal
from typing import Generic, Literal, TypeVar

from ninja import Schema
from pydantic import ConfigDict, Field

from servicing.models import ServiceStatus

T = TypeVar("T")


class ErrorOut(Schema):
    detail: str


class FieldError(Schema):
    field: str | None = Field(description="The field refused (null: the request as a whole).")
    message: str


class ValidationErrorOut(Schema):
    detail: str
    errors: list[FieldError]


class Page(Schema, Generic[T]):
    results: list[T]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last page.")


# --- clients -----------------------------------------------------------------------------------------

class ClientOut(Schema):
    id: uuid.UUID
    first_name: str
    last_name: str
    email: str | None = Field(description="Decrypted; only for keys with clients:read.")
    phone: str | None = Field(description="E.164; decrypted; only for keys with clients:read.")
    address: str | None
    consent_gdpr: bool
    preferred_language: str
    created_at: datetime.datetime
    updated_at: datetime.datetime


class ClientIn(Schema):
    model_config = ConfigDict(extra="forbid")

    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None
    phone: str | None = None
    address: str | None = None
    consent_gdpr: bool | None = None
    preferred_language: Literal["en", "sw"] | None = None


class ClientSearchIn(Schema):
    model_config = ConfigDict(extra="forbid")

    """Exact lookups by contact, in the body so that no phone or email ends up in a URL or a log."""

    phone: str | None = None
    email: str | None = None


# --- vehicles ----------------------------------------------------------------------------------------

class VehicleOut(Schema):
    id: uuid.UUID
    client_id: uuid.UUID
    license_plate: str | None
    make: str
    model: str
    year: int | None
    vin: str
    mileage: int
    metadata: dict[str, str] | None
    created_at: datetime.datetime
    updated_at: datetime.datetime


class VehicleIn(Schema):
    model_config = ConfigDict(extra="forbid")

    client: uuid.UUID | None = None
    license_plate: str | None = None
    make: str | None = None
    model: str | None = None
    year: int | None = None
    vin: str | None = None
    mileage: int | None = None
    mileage_correction: bool | None = Field(None, description="Allow a reading lower than the last one.")
    colour: str | None = None
    engine: str | None = None
    transmission: Literal["", "automatic", "manual", "cvt"] | None = None
    fuel: Literal["", "petrol", "diesel", "hybrid", "electric"] | None = None
    body_type: str | None = None


# --- services ----------------------------------------------------------------------------------------

class ServiceOut(Schema):
    id: uuid.UUID
    vehicle_id: uuid.UUID
    service_type: str
    description: str | None
    status: ServiceStatus
    scheduled_date: datetime.date | None
    completed_date: datetime.date | None
    cost: Decimal
    technician: str | None
    notes: str | None
    created_at: datetime.datetime
    updated_at: datetime.datetime


class ServiceIn(Schema):
    # No cost: a job's price is its invoice's total, kept by billing (and staff change it only with the
    # price permission); a field this API does not take is refused (422), never silently dropped.
    model_config = ConfigDict(extra="forbid")

    vehicle: uuid.UUID | None = None
    service_type: str | None = None
    description: str | None = None
    scheduled_date: datetime.date | None = None
    technician: str | None = None
    status: ServiceStatus | None = Field(
        None, description="A move along the lifecycle (pending -> in_progress -> completed, or cancelled).",
    )
    completed_date: datetime.date | None = None
    notes: str | None = None
    odometer: int | None = Field(None, description="The car's odometer as read now (km).")


# --- billing -----------------------------------------------------------------------------------------

class EstimateLineOut(Schema):
    id: uuid.UUID
    service_id: uuid.UUID
    position: int
    kind: str
    description: str
    part_number: str
    quantity: Decimal
    unit_price: Decimal
    discount: Decimal
    tax_category: str
    tax_rate: Decimal
    total_amount: Decimal
    tax_amount: Decimal
    net_amount: Decimal
    decision: str
    decided_at: datetime.datetime | None
    created_at: datetime.datetime
    updated_at: datetime.datetime


class InvoiceLineOut(Schema):
    id: uuid.UUID
    position: int
    kind: str
    description: str
    part_number: str
    quantity: Decimal
    unit_price: Decimal
    discount: Decimal
    tax_category: str
    tax_rate: Decimal
    total_amount: Decimal
    tax_amount: Decimal
    net_amount: Decimal


class InvoiceOut(Schema):
    id: uuid.UUID
    kind: str
    number: int
    service_id: uuid.UUID
    client_id: uuid.UUID
    credited_invoice_id: uuid.UUID | None
    issue_date: datetime.date
    customer_name: str
    vehicle_registration: str
    currency: str
    net_total: Decimal
    tax_total: Decimal
    total: Decimal
    lines: list[InvoiceLineOut]
    created_at: datetime.datetime
    updated_at: datetime.datetime


# --- payments ----------------------------------------------------------------------------------------

class PaymentOut(Schema):
    id: uuid.UUID
    invoice_id: uuid.UUID
    client_id: uuid.UUID
    kind: str
    method: str
    amount: Decimal
    reference: str
    received_at: datetime.datetime
    created_at: datetime.datetime


# --- notifications -----------------------------------------------------------------------------------

class NotificationOut(Schema):
    """The message text is left out: an SMS carries the client's portal link, which signs them in."""

    id: uuid.UUID
    client_id: uuid.UUID | None
    vehicle_id: uuid.UUID | None
    service_id: uuid.UUID | None
    channel: str
    category: str
    status: str
    subject: str
    sent_at: datetime.datetime | None
    created_at: datetime.datetime

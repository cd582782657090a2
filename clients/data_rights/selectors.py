"""Reads of a data-subject request: every row about one client, and everything held about them."""

import datetime
import uuid
from collections.abc import Iterable
from typing import Any

from django.db import models
from django.db.models import Q
from django.utils import timezone

from clients.models import Client
from concierge.audit.models import AuditLog
from concierge.audit.selectors import audit_rows_about, user_names
from fleet.models import Vehicle, VehicleOwnership
from fleet.selectors import owned_by_at, vehicles_ever_owned
from notifications.models import ConsentChange, Notification, PhoneConsent
from servicing.models import Service

from .sections import export_sections


def client_record_ids(*, client_id: uuid.UUID) -> dict[str, set[uuid.UUID]]:
    """{table: ids} of the client and every row hanging off them, including rows deleted since.

    Cars and jobs follow ownership periods (fleet.models.VehicleOwnership): the cars the client owns
    or has owned, and of those only the jobs made while the car was theirs. A car they sold keeps
    their jobs on it in their export (and their erasure); a car they bought brings none of its earlier
    owner's. Notifications are those addressed to them and those about their jobs.

    Deleted vehicles, services and notifications are found through their audit rows, whose JSON
    keeps the client_id / vehicle_id they had; a deleted job of a car still on file counts when its
    created_at falls in one of the client's periods of that car.
    """
    cid = str(client_id)

    def audited_rows(table: str, key: str, values: Iterable[str]) -> dict[uuid.UUID, dict[str, Any]]:
        rows: dict[uuid.UUID, dict[str, Any]] = {}
        for values_key in ("old_values", "new_values"):
            for record_id, values_json in AuditLog.objects.filter(
                table_name=table, **{f"{values_key}__{key}__in": list(values)}
            ).values_list("record_id", values_key):
                rows.setdefault(record_id, values_json or {})
        return rows

    periods = VehicleOwnership.objects.filter(client_id=client_id)
    ownerships = set(periods.values_list("pk", flat=True))
    vehicles = set(vehicles_ever_owned(client_id=client_id).values_list("pk", flat=True))
    vehicles |= set(Vehicle.objects.filter(client_id=client_id).values_list("pk", flat=True))
    vehicles |= set(audited_rows("vehicles", "client_id", [cid]))
    on_file = set(Vehicle.objects.filter(pk__in=vehicles).values_list("pk", flat=True))
    services = set(Service.objects.filter(owned_by_at(client_id=client_id)).values_list("pk", flat=True))
    spans = [(str(v), start, end) for v, start, end in periods.values_list("vehicle_id", "started_at", "ended_at")]
    for record_id, values in audited_rows("services", "vehicle_id", [str(v) for v in vehicles]).items():
        if record_id in services or Service.objects.filter(pk=record_id).exists():
            continue  # a job still on file: owned_by_at has decided
        vehicle_id = values.get("vehicle_id")
        if not vehicle_id:
            continue
        if uuid.UUID(vehicle_id) not in on_file or _made_within(values.get("created_at"), vehicle_id, spans):
            services.add(record_id)
    notifications = set(Notification.objects.filter(
        Q(client_id=client_id) | Q(service_id__in=services)
    ).values_list("pk", flat=True))
    notifications |= set(audited_rows("notifications", "client_id", [cid]))
    return {"clients": {client_id}, "vehicles": vehicles, "vehicle_ownerships": ownerships,
            "services": services, "notifications": notifications}


def _made_within(created_at: str | None, vehicle_id: str, spans: list[tuple[str, Any, Any]]) -> bool:
    """Whether a deleted job's created_at (as its audit JSON wrote it) falls in one of the periods."""
    if not created_at:
        return False
    at = datetime.datetime.fromisoformat(created_at)
    for span_vehicle, start, end in spans:
        start, end = (timezone.make_naive(t, datetime.UTC) if t is not None and timezone.is_aware(t) else t
                      for t in (start, end))
        if span_vehicle == vehicle_id and start <= at and (end is None or at < end):
            return True
    return False


def _row_dict(obj: models.Model, exclude: tuple[str, ...] = ()) -> dict[str, Any]:
    return {
        field.attname: getattr(obj, field.attname)
        for field in obj._meta.concrete_fields
        if field.attname not in exclude
    }


def client_personal_data(*, client: Client) -> dict[str, Any]:
    """Everything the shop holds about one client, as plain data (the DPA/GDPR access request)."""
    ids = client_record_ids(client_id=client.pk)
    rows = list(audit_rows_about(ids))
    names = user_names(row.user_id for row in rows)
    return {
        "exported_at": timezone.now(),
        "client": _row_dict(client, exclude=("email_hash", "phone_hash")),
        # Every car they own or have owned; a sold car's row is as it is now (its make, model and plate
        # are the car's, not the buyer's), and vehicle_ownerships says when it was theirs.
        "vehicles": [_row_dict(v) for v in vehicles_ever_owned(client_id=client.pk).order_by("created_at")],
        "vehicle_ownerships": [_row_dict(o) for o in VehicleOwnership.objects.filter(client=client).order_by("started_at")],
        "services": [_row_dict(s) for s in Service.objects.filter(owned_by_at(client_id=client.pk)).order_by("created_at")],
        "notifications": [_row_dict(n) for n in Notification.objects.filter(pk__in=ids["notifications"])],
        "phone_consent": phone_consent_rows(client=client),
        **{section.key: section.rows_for(client) for section in export_sections()},
        "audit_trail": [
            {**_row_dict(row), "user": names.get(row.user_id) if row.user_id else None} for row in rows
        ],
    }


def phone_consent_rows(*, client: Client) -> list[dict[str, Any]]:
    """The client's phone number's texting consent and its history (per number: shared with anyone on
    the same phone), without the keyed hash."""
    if not client.phone_hash:
        return []
    current = PhoneConsent.objects.filter(phone_hash=client.phone_hash).first()
    history = ConsentChange.objects.filter(phone_hash=client.phone_hash).order_by("at")
    rows = [{"state": "now", **_row_dict(current, exclude=("phone_hash",))}] if current else []
    return rows + [{"state": "change", **_row_dict(change, exclude=("phone_hash", "inbound_id"))} for change in history]

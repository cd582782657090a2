"""Reads of a data-subject request: every row about one client, and everything held about them."""

import uuid
from collections.abc import Iterable
from typing import Any

from django.db import models
from django.db.models import Q
from django.utils import timezone

from clients.models import Client
from concierge.audit.models import AuditLog
from concierge.audit.selectors import audit_rows_about, user_names
from fleet.models import Vehicle
from notifications.models import ConsentChange, Notification, PhoneConsent
from servicing.models import Service

from .sections import export_sections


def client_record_ids(*, client_id: uuid.UUID) -> dict[str, set[uuid.UUID]]:
    """{table: ids} of the client and every row hanging off them, including rows deleted since.

    Deleted vehicles, services and notifications are found through their audit rows, whose JSON
    keeps the client_id / vehicle_id they had.
    """
    cid = str(client_id)

    def audited(table: str, key: str, values: Iterable[str]) -> set[uuid.UUID]:
        ids: set[uuid.UUID] = set()
        for values_key in ("old_values", "new_values"):
            ids |= set(AuditLog.objects.filter(
                table_name=table, **{f"{values_key}__{key}__in": list(values)}
            ).values_list("record_id", flat=True))
        return ids

    vehicles = set(Vehicle.objects.filter(client_id=client_id).values_list("pk", flat=True))
    vehicles |= audited("vehicles", "client_id", [cid])
    services = set(Service.objects.filter(vehicle_id__in=vehicles).values_list("pk", flat=True))
    services |= audited("services", "vehicle_id", [str(v) for v in vehicles])
    notifications = set(Notification.objects.filter(
        Q(client_id=client_id) | Q(vehicle_id__in=vehicles) | Q(service_id__in=services)
    ).values_list("pk", flat=True))
    notifications |= audited("notifications", "client_id", [cid])
    return {"clients": {client_id}, "vehicles": vehicles, "services": services, "notifications": notifications}


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
        "vehicles": [_row_dict(v) for v in Vehicle.objects.filter(client=client).order_by("created_at")],
        "services": [_row_dict(s) for s in Service.objects.filter(vehicle__client=client).order_by("created_at")],
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

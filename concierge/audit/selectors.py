"""Reads of the audit trail: a record's history in words, and everything held about one client."""

import dataclasses

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone

from .models import AuditLog

# Columns a history leaves out: they move on every write or say nothing to a person.
HIDDEN_IN_HISTORY = {"id", "created_at", "updated_at"}


@dataclasses.dataclass
class Change:
    field: str
    old: object
    new: object

    def __str__(self):
        return f"{self.field}: {_show(self.old)} → {_show(self.new)}"


@dataclasses.dataclass
class HistoryEntry:
    row: AuditLog
    user_name: str
    changes: list


def _show(value):
    return "—" if value is None or value == "" else str(value)


def user_names(user_ids):
    """{user id: name} for audit rows; a deleted account keeps showing as its id."""
    users = get_user_model().objects.filter(pk__in={uid for uid in user_ids if uid})
    return {user.pk: str(user) for user in users}


def changes_of(row, *, hidden=frozenset()):
    old, new = row.old_values or {}, row.new_values or {}
    fields = [key for key in {**old, **new} if key not in HIDDEN_IN_HISTORY and key not in hidden]
    # A created or deleted row lists only the values it had: "notes: — → —" tells nobody anything.
    return [
        Change(field, old.get(field), new.get(field)) for field in fields
        if old.get(field) is not None or new.get(field) is not None
    ]


def record_history(*, table, record_id, hidden=frozenset()):
    """Audit rows of one record, oldest first, each as a list of "field: old → new". Columns in
    `hidden` are left out, and so is a row that changed nothing else."""
    rows = list(AuditLog.objects.filter(table_name=table, record_id=record_id).order_by("timestamp", "id"))
    names = user_names(row.user_id for row in rows)
    entries = [
        HistoryEntry(row=row, changes=changes_of(row, hidden=hidden),
                     user_name=names.get(row.user_id, str(row.user_id) if row.user_id else "system"))
        for row in rows
    ]
    return [entry for entry in entries if entry.changes or not hidden]


def client_record_ids(*, client_id):
    """{table: ids} of the client and every row hanging off them, including rows deleted since.

    Deleted vehicles, services and notifications are found through their audit rows, whose JSON
    keeps the client_id / vehicle_id they had.
    """
    from fleet.models import Vehicle
    from notifications.models import Notification
    from servicing.models import Service

    cid = str(client_id)

    def audited(table, key, values):
        ids = set()
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


def audit_rows_about(record_ids):
    query = Q(pk__in=[])
    for table, ids in record_ids.items():
        query |= Q(table_name=table, record_id__in=ids)
    return AuditLog.objects.filter(query).order_by("timestamp", "id")


def _row_dict(obj, exclude=()):
    return {
        field.attname: getattr(obj, field.attname)
        for field in obj._meta.concrete_fields
        if field.attname not in exclude
    }


def client_personal_data(*, client):
    """Everything the shop holds about one client, as plain data (the DPA/GDPR access request)."""
    from fleet.models import Vehicle
    from notifications.models import Notification
    from servicing.models import Service

    ids = client_record_ids(client_id=client.pk)
    rows = list(audit_rows_about(ids))
    names = user_names(row.user_id for row in rows)
    return {
        "exported_at": timezone.now(),
        "client": _row_dict(client, exclude=("email_hash", "phone_hash")),
        "vehicles": [_row_dict(v) for v in Vehicle.objects.filter(client=client).order_by("created_at")],
        "services": [_row_dict(s) for s in Service.objects.filter(vehicle__client=client).order_by("created_at")],
        "notifications": [_row_dict(n) for n in Notification.objects.filter(pk__in=ids["notifications"])],
        "audit_trail": [
            {**_row_dict(row), "user": names.get(row.user_id) if row.user_id else None} for row in rows
        ],
    }

"""Reads of the audit trail: a record's history in words, and the rows about a set of records."""

import dataclasses
import uuid
from collections.abc import Collection, Iterable, Mapping

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from .models import AuditLog

# Columns a history leaves out: they move on every write or say nothing to a person.
HIDDEN_IN_HISTORY = {"id", "created_at", "updated_at"}


@dataclasses.dataclass
class Change:
    field: str
    old: object
    new: object

    def __str__(self) -> str:
        return f"{self.field}: {_show(self.old)} → {_show(self.new)}"


@dataclasses.dataclass
class HistoryEntry:
    row: AuditLog
    user_name: str
    changes: list[Change]


def _show(value: object) -> str:
    return "—" if value is None or value == "" else str(value)


def user_names(user_ids: Iterable[uuid.UUID | None]) -> dict[uuid.UUID, str]:
    """{user id: name} for audit rows; a deleted account keeps showing as its id."""
    users = get_user_model().objects.filter(pk__in={uid for uid in user_ids if uid})
    return {user.pk: str(user) for user in users}


def changes_of(row: AuditLog, *, hidden: Collection[str] = frozenset()) -> list[Change]:
    old, new = row.old_values or {}, row.new_values or {}
    fields = [key for key in {**old, **new} if key not in HIDDEN_IN_HISTORY and key not in hidden]
    # A created or deleted row lists only the values it had: "notes: — → —" tells nobody anything.
    return [
        Change(field, old.get(field), new.get(field)) for field in fields
        if old.get(field) is not None or new.get(field) is not None
    ]


def record_history(
    *, table: str, record_id: uuid.UUID | str, hidden: Collection[str] = frozenset(),
) -> list[HistoryEntry]:
    """Audit rows of one record, oldest first, each as a list of "field: old → new". Columns in
    `hidden` are left out, and so is a row that changed nothing else."""
    rows = list(AuditLog.objects.filter(table_name=table, record_id=record_id).order_by("timestamp", "id"))
    names = user_names(row.user_id for row in rows)
    entries = [
        HistoryEntry(row=row, changes=changes_of(row, hidden=hidden),
                     user_name=names.get(row.user_id, str(row.user_id)) if row.user_id else "system")
        for row in rows
    ]
    return [entry for entry in entries if entry.changes or not hidden]


def audit_rows_about(record_ids: Mapping[str, Iterable[uuid.UUID]]) -> QuerySet[AuditLog]:
    """Audit rows of the records {table: ids}, oldest first."""
    query = Q(pk__in=[])
    for table, ids in record_ids.items():
        query |= Q(table_name=table, record_id__in=ids)
    return AuditLog.objects.filter(query).order_by("timestamp", "id")

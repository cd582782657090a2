"""Writes of the data-protection duties: erasure on request, and retention of old rows."""

import contextlib
import datetime

import pgtrigger
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import DEFAULT_DB_ALIAS, connection, transaction
from django.utils import timezone

from concierge.db.partitions import drop_partitions_before, ensure_monthly_partitions, partition_key

from .context import audit_erasure, set_acting_user
from .models import AuditAction, AuditLog
from .selectors import client_record_ids

ERASED = "[erased]"
# Keys of audit JSON holding personal data, by table. Vehicles and services keep their values:
# the shop's service records and costs survive an erasure (the issue asks for it, and records the
# law requires, e.g. for tax, may be kept); what goes is everything that names the person.
PERSONAL_KEYS = {
    "clients": ["first_name", "last_name", "email", "phone", "address"],
    "notifications": ["message"],
}
ERASED_MESSAGE = "[message erased on the client's request]"


def _scrub_audit_rows(*, table, record_ids, keys):
    with connection.cursor() as cursor:
        for column in ("old_values", "new_values"):
            cursor.execute(
                f"""
                UPDATE audit_logs SET {column} = (
                    SELECT jsonb_object_agg(
                        key, CASE WHEN key = ANY(%s) AND jsonb_typeof(value) <> 'null' THEN to_jsonb(%s::text) ELSE value END)
                    FROM jsonb_each({column}))
                WHERE table_name = %s AND record_id = ANY(%s) AND {column} ?| %s
                """,
                [keys, ERASED, table, list(record_ids), keys],
            )


@transaction.atomic
def client_erase(*, client, by):
    """Anonymise a client on their request; their vehicles' service records and costs stay.

    Names, email, phone and address are replaced, notification texts erased, portal links deleted,
    and the same values scrubbed from audit_logs. One audit row records that the erasure happened, by whom.
    """
    from clients.models import Client
    from clients.portal.models import PortalToken
    from notifications.models import Notification

    set_acting_user(by.pk if by else None)
    ids = client_record_ids(client_id=client.pk)
    client = Client.objects.select_for_update().get(pk=client.pk)
    client.first_name, client.last_name = "Erased", "client"
    # Unique and required: a placeholder that can never be anyone's address (.invalid, RFC 2606).
    client.email = f"erased-{client.pk}@erased.invalid"
    client.phone = None
    client.address = None
    client.consent_gdpr = False
    client.save()
    Notification.objects.filter(pk__in=ids["notifications"]).update(message=ERASED_MESSAGE)
    # Sign-in and status links stop working: the person they were sent to is no longer on file.
    PortalToken.objects.filter(client=client).delete()
    # The admin's own change log keeps the name it showed at the time (object_repr).
    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Client), object_id=str(client.pk)
    ).update(object_repr=str(client))
    with audit_erasure():
        for table, keys in PERSONAL_KEYS.items():
            _scrub_audit_rows(table=table, record_ids=ids[table], keys=keys)
    AuditLog.objects.create(
        table_name="clients", record_id=client.pk, action=AuditAction.UPDATE,
        new_values={"erasure": "personal data erased on the client's request"},
        user_id=by.pk if by else None,
    )
    return client


# Partitioned by month (concierge/db/partitions.py): retention drops their expired months whole.
PARTITIONED_TABLES = ("notifications", "audit_logs")


def partitions_create_ahead(*, months_ahead, since=None, now=None, using=DEFAULT_DB_ALIAS):
    """This month's (or every month from `since`) to the next `months_ahead` months' partitions of
    notifications and audit_logs, and a home for any row the default partition caught.
    Returns {table: [partitions created]}."""
    return {
        table: ensure_monthly_partitions(table, months_ahead=months_ahead, since=since, now=now, using=using)
        for table in PARTITIONED_TABLES if partition_key(table, using=using)
    }


def _delete_in_batches(*, table, column, before, batch_size, gate):
    deleted = 0
    while True:
        # A bounded batch per short transaction: no long lock, and the purge can stop anywhere. The
        # condition on the partition key keeps both scans to the partitions that can hold such rows.
        with gate(), connection.cursor() as cursor:
            cursor.execute(
                f"""DELETE FROM {table} WHERE {column} < %s
                    AND id IN (SELECT id FROM {table} WHERE {column} < %s LIMIT %s)""",
                [before, before, batch_size],
            )
            count = cursor.rowcount
        deleted += count
        if count < batch_size:
            return deleted


@contextlib.contextmanager
def _unaudited_notifications():
    # A retention purge is policy, not a change anyone made: auditing each deleted notification
    # would copy its message into audit_logs for another retention period.
    with transaction.atomic(), pgtrigger.ignore("notifications.Notification:audit"):
        yield


def retention_cutoff(*, months, now=None):
    """The instant (naive UTC, like the columns) before which rows are expired."""
    now = now or timezone.now()
    return timezone.make_naive(now - datetime.timedelta(days=round(months * 365.25 / 12)), datetime.timezone.utc)


def retention_purge(*, months, batch_size=1000, now=None):
    """Remove notifications (by created_at) and audit rows (by timestamp) older than `months` months.

    Months wholly before the cutoff are dropped as partitions (no row-by-row DELETE, no dead rows
    left to vacuum); the rows of the month the cutoff falls in, and any expired stray in the default
    partition, are deleted in batches of `batch_size`, so nothing outlives the period by more than
    the day between two runs. Returns {table: rows removed}.
    """
    before = retention_cutoff(months=months, now=now)
    counts = {}
    for table, column, gate in (
        ("notifications", "created_at", _unaudited_notifications),
        ("audit_logs", '"timestamp"', audit_erasure),
    ):
        dropped = drop_partitions_before(table, before)
        counts[table] = sum(rows for _, rows in dropped) + _delete_in_batches(
            table=table, column=column, before=before, batch_size=batch_size, gate=gate
        )
    return counts

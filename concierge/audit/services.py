"""Writes of the data-protection duties: erasure on request, and retention of old rows."""

import datetime

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import DEFAULT_DB_ALIAS, connection, transaction
from django.utils import timezone

from concierge.db.partitions import ensure_monthly_partitions, partition_key

from .context import set_acting_user
from .ledger import record_erasure
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
ERASED_FIRST_NAME, ERASED_LAST_NAME = "Erased", "client"
ERASURE_NOTE = "personal data erased on the client's request"


def client_is_erased(client) -> bool:
    """The client's row holds nothing of the person any more (as client_erase leaves it)."""
    return (client.first_name, client.last_name, client.phone, client.address) == (
        ERASED_FIRST_NAME, ERASED_LAST_NAME, None, None)


@transaction.atomic
def client_erase(*, client, by, record: bool = True):
    """Anonymise a client on their request; their vehicles' service records and costs stay.

    Names, email, phone and address are replaced, notification texts erased, portal links deleted,
    and the same values scrubbed from audit_logs by the owner's function (concierge/audit/owner_sql.py:
    the application role cannot change audit rows itself), which also writes the audit row recording
    that the erasure happened, and by whom. The erasure ledger (concierge/audit/ledger.py, outside
    the database) notes the client's id first, so that the erasure can be applied again to a
    restored backup; `record=False` when re-applying it (reapply_erasures).
    """
    from clients.models import Client
    from clients.portal.models import PortalToken
    from notifications.models import Notification

    if record:  # before any change: no erasure without its line (LedgerError: nothing was erased)
        record_erasure(client.pk)
    set_acting_user(by.pk if by else None)
    ids = client_record_ids(client_id=client.pk)
    client = Client.objects.select_for_update().get(pk=client.pk)
    client.first_name, client.last_name = ERASED_FIRST_NAME, ERASED_LAST_NAME
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
    with connection.cursor() as cursor:
        cursor.execute("SELECT concierge_audit_erase_client(%s, %s)", [client.pk, by.pk if by else None])
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


def retention_days(months: int) -> int:
    """A period of `months` months in days, as the purge functions take it."""
    return round(months * 365.25 / 12)


def retention_cutoff(*, months, now=None):
    """The instant (naive UTC, like the columns) before which rows are expired."""
    now = now or timezone.now()
    return timezone.make_naive(now - datetime.timedelta(days=retention_days(months)), datetime.timezone.utc)


def retention_purge(*, months: int, batch_size: int = 1000) -> dict:
    """Remove notifications (by created_at) and audit rows (by timestamp) older than `months` months,
    by the database's clock.

    Done by the owner's functions (concierge/db/owner_functions.py), which refuse a period shorter
    than the AUDIT_RETENTION_MONTHS `migrate` recorded. Months wholly before the cutoff are dropped as
    partitions (no row-by-row DELETE, no dead rows left to vacuum); the rows of the month the cutoff
    falls in, and any expired stray in the default partition, are deleted in batches of
    `batch_size`, so nothing outlives the period by more than the day between two runs. No audit row
    per removed row (it would copy a message into audit_logs for another period); one per month
    dropped or batch deleted, saying how many. Returns {table: rows removed}.
    """
    days = retention_days(months)
    counts = {}
    for table in PARTITIONED_TABLES:
        counts[table] = 0
        # One month, or one bounded batch, per short transaction: no long lock, and the purge can stop anywhere.
        while True:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SELECT count(*), coalesce(sum(row_count), 0) FROM concierge_retention_drop(%s, %s)",
                               [table, days])
                months_dropped, rows = cursor.fetchone()
            counts[table] += rows
            if not months_dropped:
                break
        while True:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SELECT concierge_retention_delete(%s, %s, %s)", [table, days, batch_size])
                removed = cursor.fetchone()[0]
            counts[table] += removed
            if removed < batch_size:
                break
    return counts

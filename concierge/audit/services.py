"""Writes of the data-protection duties the platform keeps: retention of old rows, and the partitions
it drops them by. (Erasure on a client's request: clients/data_rights/services.py.)"""

import datetime

from django.db import DEFAULT_DB_ALIAS, connection, transaction
from django.utils import timezone

from concierge.db.partitions import ensure_monthly_partitions, partition_key


# Partitioned by month (concierge/db/partitions.py): retention drops their expired months whole.
PARTITIONED_TABLES = ("notifications", "audit_logs")


def partitions_create_ahead(
    *, months_ahead: int, since: datetime.date | None = None, now: datetime.datetime | None = None,
    using: str = DEFAULT_DB_ALIAS,
) -> dict[str, list[str]]:
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


def retention_cutoff(*, months: int, now: datetime.datetime | None = None) -> datetime.datetime:
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

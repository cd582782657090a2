"""Monthly range partitions: created ahead, strays in the default partition moved home, expired ones dropped.

`notifications` (on created_at) and `audit_logs` (on "timestamp") are partitioned by month with
PostgreSQL's declarative partitioning. Each month is a partition `<table>_YYYY_MM` holding
[first of the month, first of the next); the key columns are the seed's TIMESTAMP without time zone
and hold UTC, so months are UTC months. `<table>_default` takes any row no month holds, so an
insert never fails for want of a partition: every change writes an audit row, and a missing
partition would otherwise stop the shop. The next ensure_monthly_partitions() moves such rows
into their own month.

Callers: the migrations converting the two tables (convert_to_monthly_partitions, in
partitions_convert.py), the post_migrate hook and the daily beat task (ensure_monthly_partitions),
retention (through concierge_retention_drop) and seed_scale. Creating and dropping a month is done by
functions owned by the owner role (owner_functions.py, SECURITY DEFINER): the application role the
web and workers connect as may not create, alter or drop a table itself.

Locks: a month is created as a plain table and ATTACHed, which takes SHARE UPDATE EXCLUSIVE on the
parent (reads and writes go on) and a short exclusive lock on the default partition while it is
checked (empty, normally). Dropping a month DETACHes it, which takes ACCESS EXCLUSIVE on the parent
for a moment (DETACH ... CONCURRENTLY is not allowed while a default partition exists). Both run
with a 5 s lock_timeout, so a long report holding the table makes the job fail and retry rather than
queue every insert behind it.
"""

import dataclasses
import datetime
import re

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils import timezone

_BOUND = re.compile(r"FOR VALUES FROM \('([^']+)'\) TO \('([^']+)'\)")


@dataclasses.dataclass(frozen=True)
class Partition:
    name: str
    start: datetime.datetime | None  # None: the default partition
    end: datetime.datetime | None
    # The planner's estimate (pg_class.reltuples, kept by autovacuum); -1 when never vacuumed/analysed.
    estimated_rows: int

    @property
    def is_default(self):
        return self.start is None


def quote(name):
    return '"' + name.replace('"', '""') + '"'


def month_start(value):
    """The first instant (naive UTC) of the month of a date or datetime (aware ones converted to UTC)."""
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        value = timezone.make_naive(value, datetime.timezone.utc)
    return datetime.datetime(value.year, value.month, 1)


def add_months(month, n):
    index = month.year * 12 + month.month - 1 + n
    return datetime.datetime(index // 12, index % 12 + 1, 1)


def months_between(first, last):
    """Month starts from the month of `first` to the month of `last`, both included."""
    month, last = month_start(first), month_start(last)
    while month <= last:
        yield month
        month = add_months(month, 1)


def partition_name(table, month):
    return f"{table}_{month:%Y_%m}"


def default_partition_name(table):
    return f"{table}_default"


def partition_key(table, *, using=DEFAULT_DB_ALIAS):
    """The column `table` is range-partitioned on, or None when it is not a partitioned table."""
    with connections[using].cursor() as cursor:
        cursor.execute(
            """SELECT a.attname FROM pg_partitioned_table p
               JOIN pg_attribute a ON a.attrelid = p.partrelid AND a.attnum = p.partattrs[0]
               WHERE p.partrelid = to_regclass(%s)""",
            [quote(table)],
        )
        row = cursor.fetchone()
    return row[0] if row else None


def list_partitions(table, *, using=DEFAULT_DB_ALIAS):
    """The partitions of `table`, months in order, the default partition last."""
    with connections[using].cursor() as cursor:
        cursor.execute(
            """SELECT c.relname, pg_get_expr(c.relpartbound, c.oid), c.reltuples::bigint
               FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
               WHERE i.inhparent = to_regclass(%s)""",
            [quote(table)],
        )
        rows = cursor.fetchall()
    partitions = []
    for name, bound, estimate in rows:
        match = _BOUND.fullmatch(bound)
        if bound == "DEFAULT":
            start = end = None
        elif match:
            start, end = (datetime.datetime.fromisoformat(value) for value in match.groups())
        else:
            raise ValueError(f"{name}: bound {bound!r} is not a range of timestamps")
        partitions.append(Partition(name, start, end, estimate))
    return sorted(partitions, key=lambda p: (p.is_default, p.start or datetime.datetime.min))


def ensure_monthly_partitions(table, *, months_ahead, since=None, now=None, using=DEFAULT_DB_ALIAS):
    """Make sure `table` has a partition for every month from `since` (default: this month) to
    `months_ahead` months after this one, one for every month the default partition holds rows of
    (those rows are moved into it), and the default partition itself. Returns the names created.
    """
    key = partition_key(table, using=using)
    if key is None:
        raise ValueError(f"{table} is not a partitioned table")
    current = month_start(now or timezone.now())
    wanted = set(months_between(since or current, add_months(current, months_ahead)))
    created = []
    existing = list_partitions(table, using=using)
    default = default_partition_name(table)
    with connections[using].cursor() as cursor:
        if not any(p.is_default for p in existing):
            # Only while a migration converts the table (as the owner): every partitioned table has one after.
            cursor.execute(f"CREATE TABLE {quote(default)} PARTITION OF {quote(table)} DEFAULT")
            created.append(default)
        # Normally empty: a seq scan of nothing.
        cursor.execute(f"SELECT DISTINCT date_trunc('month', {quote(key)}) FROM {quote(default)}")
        wanted.update(month_start(row[0]) for row in cursor.fetchall())
    return created + _create_missing_months(table, wanted, existing, using=using)


def create_month_partitions(table, months, *, using=DEFAULT_DB_ALIAS):
    """Create the partitions of the given months (naive UTC month starts) that do not exist yet."""
    return _create_missing_months(table, months, list_partitions(table, using=using), using=using)


def _create_missing_months(table, months, existing, *, using):
    have = {p.start for p in existing}
    created = []
    for month in sorted(set(map(month_start, months)) - have):
        # The owner's function (owner_functions.py): the application role may not create tables.
        # One transaction per month, so a lock_timeout loses one month's work, not all of them.
        with transaction.atomic(using=using), connections[using].cursor() as cursor:
            cursor.execute("SELECT concierge_partition_create_month(%s, %s)", [table, month])
            if cursor.fetchone()[0]:
                created.append(partition_name(table, month))
    return created


def table_columns(cursor, table):
    cursor.execute(
        "SELECT attname FROM pg_attribute WHERE attrelid = to_regclass(%s) AND attnum > 0 AND NOT attisdropped "
        "ORDER BY attnum",
        [quote(table)],
    )
    return [row[0] for row in cursor.fetchall()]


def referencing_foreign_keys(cursor, table):
    """[(referencing table, its columns, the referenced columns of `table`, ON DELETE action)]."""
    cursor.execute(
        """SELECT c.conrelid::regclass::text, c.confdeltype,
                  ARRAY(SELECT attname FROM unnest(c.conkey) WITH ORDINALITY k(n, i)
                        JOIN pg_attribute ON attrelid = c.conrelid AND attnum = k.n ORDER BY k.i),
                  ARRAY(SELECT attname FROM unnest(c.confkey) WITH ORDINALITY k(n, i)
                        JOIN pg_attribute ON attrelid = c.confrelid AND attnum = k.n ORDER BY k.i)
           FROM pg_constraint c
           WHERE c.confrelid = to_regclass(%s) AND c.contype = 'f' AND c.conparentid = 0""",
        [quote(table)],
    )
    return [(referencing, columns, referenced, action) for referencing, action, columns, referenced in cursor.fetchall()]


def drop_partitions_before(table, before, *, using=DEFAULT_DB_ALIAS):
    """DETACH and DROP every monthly partition of `table` whose whole month lies before `before`
    (naive UTC). Rows of other tables pointing at their rows with ON DELETE CASCADE are deleted
    first, as a DELETE would have (PostgreSQL refuses to detach a partition still referenced).
    No row triggers fire: no audit rows. Returns [(partition, rows it held)], oldest first.

    The owner's alone (a free cutoff could drop the audit trail): retention calls
    concierge_retention_drop, which takes the configured period instead.
    """
    dropped: list[tuple[str, int]] = []
    while True:
        with transaction.atomic(using=using), connections[using].cursor() as cursor:
            cursor.execute("SELECT * FROM concierge_partition_drop_before(%s, %s, 1)", [table, before])
            rows = cursor.fetchall()
        if not rows:
            return dropped
        dropped.extend(rows)

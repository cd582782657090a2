"""Loads the scaled shop with PostgreSQL's COPY, in one transaction, with every constraint, index and trigger on.

Nothing is switched off for speed: the unique indexes, foreign keys and CHECKs the seed asks for
check each row as it arrives, and any trigger on the tables (updated_at, the audit trail) fires.
"""

import itertools
import sys

from django.conf import settings
from django.db import connections, transaction
from psycopg import sql

from concierge.audit.services import partitions_create_ahead
from fleet.ownership import ownerships_open_missing

from .scale import Shop, client_rows, notification_rows, odometer_rows, service_rows, vehicle_rows
from .scale_audit import audit_rows
from .scale_billing import invoice_completed_jobs
from .scale_receivables import pay_and_collect

# In foreign-key order.
TABLES = ("clients", "vehicles", "services", "notifications", "audit_logs", "odometer_readings")
_CHUNK = 5_000


def tables_with_rows(*, using):
    with connections[using].cursor() as cursor:
        return [t for t in TABLES if _has_rows(cursor, t)]


def _has_rows(cursor, table):
    cursor.execute(sql.SQL("SELECT EXISTS (SELECT 1 FROM {})").format(sql.Identifier(table)))
    return cursor.fetchone()[0]


def copy_rows(cursor, table, rows, progress, *, chunk=_CHUNK):
    """COPY dict rows into `table`; the columns are the first row's keys. Returns how many were written.

    One COPY statement per `chunk` rows: a table with an AFTER ROW trigger (the audit trail) fires it
    for the whole statement at its end, and PostgreSQL's cost for that grows faster than the rows do
    (measured: 30 000 notifications in one statement 12 s, 60 000 in 45 s).
    """
    rows = iter(rows)
    first = next(rows, None)
    if first is None:
        return 0
    columns = list(first)
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table), sql.SQL(", ").join(map(sql.Identifier, columns))
    )
    rows = itertools.chain([first], rows)
    written = 0
    while True:
        batch = list(itertools.islice(rows, chunk))
        if not batch:
            return written
        with cursor.copy(statement) as copy:
            for row in batch:
                if len(row) != len(columns):
                    raise ValueError(f"{table}: a row has columns {sorted(row)}, the first had {sorted(columns)}")
                copy.write_row([row[c] for c in columns])
        written += len(batch)
        progress.update(len(batch))


def seed_scale(*, scale, seed, today, using="default", replace=False, progress=True):
    """Fill `using` with the shop at `scale`. Returns {table: rows}. All or nothing.

    replace=True first empties the five tables (TRUNCATE ... CASCADE: rows of other tables pointing
    at them go too).
    """
    # A development tool (requirements-dev.txt): production installs do not carry it.
    from tqdm import tqdm

    connection = connections[using]
    shop = Shop(scale=scale, seed=seed, today=today, using=using)
    counts = {}
    bar = tqdm(total=sum(shop.targets.values()), unit=" rows", unit_scale=True, file=sys.stderr,
               disable=not progress, dynamic_ncols=True)
    with bar, transaction.atomic(using=using), connection.cursor() as wrapper:
        cursor = wrapper.cursor  # psycopg's own cursor: Django's wrapper has no copy()
        # Django's foreign keys are DEFERRABLE INITIALLY DEFERRED. Checked at the end of each COPY
        # instead of at commit: millions of queued checks make every audit trigger firing slower
        # (seeding grew quadratically), and TRUNCATE refuses while checks are queued (a test's
        # earlier seed in the same transaction). Every row is still checked.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        if replace:
            cursor.execute(sql.SQL("TRUNCATE {} CASCADE").format(sql.SQL(", ").join(map(sql.Identifier, TABLES))))
        # A partition for every month of the five years before COPY, so no row waits in a default partition.
        partitions_create_ahead(months_ahead=settings.PARTITIONS_MONTHS_AHEAD, since=shop.start, using=using)
        steps = [
            ("clients", lambda: client_rows(shop, connection=connection)),
            ("vehicles", lambda: vehicle_rows(shop)),
            ("services", lambda: service_rows(shop)),
            ("odometer_readings", lambda: odometer_rows(shop)),
            ("notifications", lambda: notification_rows(shop)),
        ]
        for table, rows in steps:
            bar.set_description(table)
            counts[table] = copy_rows(cursor, table, rows(), bar)
        # COPY skips fleet.services: each car's owner from its first day, or the portal shows it nothing.
        counts["vehicle_ownerships"] = ownerships_open_missing(cursor)
        # Every completed job invoiced (issue 16), before the audit top-up counts what the triggers wrote.
        bar.set_description("invoices")
        counts["billing_invoices"] = invoice_completed_jobs(cursor, seed=seed, replace=replace)
        # Paid, part-paid and unpaid invoices, and the cars handed back (issue 17).
        bar.set_description("payments")
        counts.update(pay_and_collect(cursor, seed=seed, today=today))
        # Audit triggers (when the tables have them) have recorded the inserts already: top up to the target.
        cursor.execute("SELECT count(*) FROM audit_logs")
        already = cursor.fetchone()[0]
        bar.set_description("audit_logs")
        budget = max(shop.targets["audit_logs"] - already, 0)
        bar.total -= shop.targets["audit_logs"] - budget  # rows the triggers wrote never pass the bar
        bar.refresh()
        counts["audit_logs"] = already + copy_rows(
            cursor, "audit_logs", audit_rows(shop, budget=budget, with_inserts=already == 0), bar
        )
    _analyse(connection)
    return counts


def _analyse(connection):
    """Fresh planner statistics (and, outside a transaction, the visibility map) for what was loaded."""
    command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
    with connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(sql.SQL(command + " {}").format(sql.Identifier(table)))

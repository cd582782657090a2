"""PostgreSQL plans for tests of speed rules: which index a query can be answered from.

A partitioned table (notifications, by month) has one index per partition, attached to the index
declared on the table: a plan names the partitions' indexes, so a rule is checked against the
declared index and every index attached to it."""

import re

from django.db import transaction

SCAN = re.compile(r"(Seq Scan|Index Only Scan|Index Scan|Bitmap Heap Scan|Bitmap Index Scan)( using (\S+))? on (\S+)")


def explain(connection, sqls, *, discouraged=("seqscan", "bitmapscan")):
    """EXPLAIN (COSTS OFF) of each SQL, with the given scan/join methods discouraged."""
    found = []
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        for method in discouraged:
            cursor.execute(f"SET LOCAL enable_{method} = off")
        for sql in sqls:
            cursor.execute("EXPLAIN (COSTS OFF) " + sql)
            found.append("\n".join(row[0] for row in cursor.fetchall()))
    return found


def index_family(connection, index):
    """The index and the partitions' indexes attached to it (just the index on a plain table)."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            WITH RECURSIVE family(oid) AS (
                SELECT %s::regclass::oid
                UNION ALL
                SELECT i.inhrelid FROM pg_inherits i JOIN family f ON i.inhparent = f.oid
            )
            SELECT relname FROM pg_class JOIN family USING (oid)
            """,
            [index],
        )
        return {row[0] for row in cursor.fetchall()}


def scans_of(plan, table):
    """(scan kind, index or None) for every scan of `table` or of one of its partitions."""
    return [
        (kind, index)
        for kind, _, index, relation in SCAN.findall(plan)
        if relation == table or relation.startswith(f"{table}_")
    ]


def _relations_with_rows(connection, table):
    """`table` itself, or those of its partitions that hold rows: for an empty partition any index
    costs the planner nothing, so which one it picks there says nothing about the rule."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT DISTINCT tableoid::regclass::text FROM {connection.ops.quote_name(table)}")
        return {row[0] for row in cursor.fetchall()}


def reads_only_index(connection, plan, table, index, *, kind="Index Only Scan"):
    """True when every scan of `table` in `plan` (of each partition holding rows, when partitioned)
    is a `kind` of `index` (or of the partition's copy of it)."""
    family = index_family(connection, index)
    holding = _relations_with_rows(connection, table)
    scans = [
        (k, i) for k, _, i, relation in SCAN.findall(plan) if relation in holding
    ]
    return bool(scans) and all(k == kind and i in family for k, i in scans)

"""A paginator that never counts a large table, or a large part of it, row by row.

`COUNT(*)` over a million services (ten million audit rows) is a full scan on every list load, and
costs more than fetching the page itself. For an unfiltered list the planner's own row estimate
(pg_class.reltuples, kept by autovacuum/ANALYZE; summed over the partitions of a partitioned table) is
close enough, and the list says "about N". A filtered or searched list is counted exactly up to
COUNT_UP_TO rows and no further: "status completed" is most of the jobs, and counting them all to print
"912 345" costs a scan of them; beyond the bound the list says "more than N" and pages through the
first N (narrow the filter to see further). The templates/admin/{pagination,search_form}.html
overrides say which.
"""

from django.core.paginator import Paginator
from django.db import connections
from django.db.models import QuerySet
from django.utils.functional import cached_property

from concierge.db.counting import COUNT_UP_TO

# Below this many rows an exact count is cheap, and a table that small may not have been analysed yet.
ESTIMATE_ABOVE_ROWS = 10_000

EXACT, ESTIMATED, AT_LEAST = "exact", "estimated", "at least"


def table_row_count(model, *, using, exact_below=0):
    """(rows, estimated) for the model's whole table: the planner's estimate, or None when it has none
    (never analysed).

    A partitioned table holds no rows itself: its pg_class.reltuples is -1 (or a stale figure from a
    manual ANALYZE of the parent, which autovacuum never runs), so its leaf partitions' estimates are
    summed (pg_partition_tree walks pg_inherits, sub-partitions included); a leaf never analysed yet
    (-1) counts as empty unless none has been analysed. Below `exact_below` estimated rows the table
    is counted exactly instead, in the same statement (the CASE runs the COUNT only on that branch), so
    a small table costs one query, not two.
    """
    connection = connections[using]
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT CASE WHEN estimate >= %s THEN estimate ELSE (SELECT COUNT(*) FROM {table}) END,
                   estimate >= %s
            FROM (
                SELECT CASE WHEN parent.relkind <> 'p' THEN parent.reltuples::bigint ELSE (
                    SELECT CASE WHEN bool_or(leaf.reltuples >= 0) THEN sum(greatest(leaf.reltuples, 0))::bigint
                                ELSE -1 END
                    FROM pg_partition_tree(parent.oid) AS tree JOIN pg_class AS leaf ON leaf.oid = tree.relid
                    WHERE tree.isleaf
                ) END AS estimate
                FROM pg_class AS parent WHERE parent.oid = to_regclass(%s)
            ) AS planner
            """,
            [max(exact_below, 0), max(exact_below, 0), table],
        )
        row = cursor.fetchone()
    if not row or row[0] is None or row[0] < 0:
        return None
    return row[0], row[1]


def is_unfiltered(queryset):
    """True when every row of the model's table is a row of the list (annotations and to-one joins add none)."""
    query = queryset.query
    return not query.where and not query.is_sliced and not query.distinct and not query.combinator


class EstimatedCountPaginator(Paginator):
    """`count` is the planner's estimate for an unfiltered list, an exact count up to COUNT_UP_TO
    otherwise; `count_kind` (EXACT, ESTIMATED or AT_LEAST) says which, for the templates."""

    count_kind = EXACT

    @cached_property
    def count(self):
        queryset = self.object_list
        if not isinstance(queryset, QuerySet):
            return super().count
        if is_unfiltered(queryset):
            counted = table_row_count(queryset.model, using=queryset.db, exact_below=ESTIMATE_ABOVE_ROWS)
            if counted is not None:
                rows, estimated = counted
                self.count_kind = ESTIMATED if estimated else EXACT
                return rows
            return super().count
        # Only the ids, unordered, at most COUNT_UP_TO + 1 of them: SELECT COUNT(*) FROM (SELECT id ...
        # LIMIT n), which an index can serve without reading the rows or evaluating the list's annotations.
        found = queryset.order_by().values("pk")[: COUNT_UP_TO + 1].count()
        if found > COUNT_UP_TO:
            self.count_kind = AT_LEAST
            return COUNT_UP_TO
        return found

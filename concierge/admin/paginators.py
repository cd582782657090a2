"""A paginator that does not count a large table row by row for an unfiltered list.

`COUNT(*)` over a million services (ten million audit rows) is a full scan on every list load, and
costs more than fetching the page itself. For an unfiltered list the planner's own row estimate
(pg_class.reltuples, kept by autovacuum/ANALYZE) is close enough for "about N results" and the page
links; a filtered or searched list, or a small table, is still counted exactly.
"""

from django.core.paginator import Paginator
from django.db import connections
from django.db.models import QuerySet
from django.utils.functional import cached_property

# Below this many rows an exact count is cheap, and a table that small may not have been analysed yet.
ESTIMATE_ABOVE_ROWS = 10_000


def estimated_row_count(model, *, using, exact_below=0):
    """The planner's row estimate for the model's table, or None when it has none (never analysed).

    Below `exact_below` estimated rows the table is counted exactly instead, in the same statement (the
    CASE runs the COUNT only on that branch), so a small table costs one query, not two.
    """
    connection = connections[using]
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT CASE WHEN reltuples >= %s THEN reltuples::bigint ELSE (SELECT COUNT(*) FROM {table}) END"
            " FROM pg_class WHERE oid = to_regclass(%s)",
            [max(exact_below, 0), table],
        )
        row = cursor.fetchone()
    return row[0] if row and row[0] is not None and row[0] >= 0 else None


class EstimatedCountPaginator(Paginator):
    @cached_property
    def count(self):
        queryset = self.object_list
        unfiltered = (isinstance(queryset, QuerySet) and not queryset.query.where and not queryset.query.is_sliced
                      and not queryset.query.distinct)
        if unfiltered:
            # Every row of the table is a row of the list (annotations and to-one joins add none).
            estimate = estimated_row_count(queryset.model, using=queryset.db, exact_below=ESTIMATE_ABOVE_ROWS)
            if estimate is not None:
                return estimate
        return super().count

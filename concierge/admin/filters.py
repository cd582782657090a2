"""A list filter offering a column's distinct values without reading the whole table."""

from django.contrib.admin.filters import AllValuesFieldListFilter
from django.db import connections
from django.db.models.expressions import RawSQL

from concierge.db.loose_index_scan import distinct_values_cte


def indexed_distinct_values(model, field_name, *, using):
    """The distinct values of an indexed column, in order, then None if any row has none.

    A loose index scan (concierge/db/loose_index_scan.py).
    """
    found, table, column = distinct_values_cte(model, field_name, using=using)
    sql = f"""{found}
        SELECT value FROM found WHERE value IS NOT NULL
        UNION ALL
        SELECT NULL WHERE EXISTS (SELECT 1 FROM {table} WHERE {column} IS NULL)
    """
    with connections[using].cursor() as cursor:
        cursor.execute(sql)
        return [row[0] for row in cursor.fetchall()]


def indexed_distinct_values_subquery(model, field_name, *, using):
    """The column's distinct non-null values by loose index scan, as a subquery for `__in=`: the
    filter's choices in the same query as what they are looked up in (audit_logs.user_id → users)."""
    found, _table, _column = distinct_values_cte(model, field_name, using=using)
    return RawSQL(f"{found} SELECT value FROM found WHERE value IS NOT NULL", [])


def indexed_values_containing(model, field_name, words, *, using):
    """{word: the distinct values of an indexed column containing it, any case}, in one query.

    Containment as Django's `icontains` writes it on PostgreSQL (UPPER(col) LIKE UPPER('%word%'), the
    word's own % and _ escaped), tried on each distinct value found by a loose index scan: so
    `col__icontains=word` is exactly `col__in=<those values>`, which a btree index serves.
    """
    words = list(dict.fromkeys(words))
    if not words:
        return {}
    connection = connections[using]
    found, _table, _column = distinct_values_cte(model, field_name, using=using)
    patterns = ", ".join(f"({n}, %s)" for n in range(len(words)))
    sql = f"""{found}
        SELECT pattern.n, found.value FROM found JOIN (VALUES {patterns}) AS pattern(n, text)
            ON UPPER(found.value::text) LIKE UPPER(pattern.text)
        WHERE found.value IS NOT NULL ORDER BY found.value
    """
    matches: dict[str, list] = {word: [] for word in words}
    with connection.cursor() as cursor:
        cursor.execute(sql, [f"%{connection.ops.prep_for_like_query(word)}%" for word in words])
        for n, value in cursor.fetchall():
            matches[words[n]].append(value)
    return matches


class IndexedValuesListFilter(AllValuesFieldListFilter):
    """AllValuesFieldListFilter for a plain indexed column of the list's own table, whose choices are
    every value in the table (the admin's own filter also offers them all, through SELECT DISTINCT)."""

    def __init__(self, field, request, params, model, model_admin, field_path):
        super().__init__(field, request, params, model, model_admin, field_path)
        self.lookup_choices = indexed_distinct_values(model, field.name, using=model_admin.get_queryset(request).db)

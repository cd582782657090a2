"""The distinct values of an indexed column without reading every row: a "loose index scan".

PostgreSQL has no skip scan for DISTINCT: SELECT DISTINCT reads every row (a million services at
scale 10 hold a few dozen service types and technicians). The recursive query below hops from one
value to the next through the column's btree index instead, one index probe per distinct value.
Used by the staff lists' filter choices (concierge/admin/filters.py), the services search
(servicing/selectors.py, through indexed_values_containing below) and the report filters' choices
(reports/selectors/choices.py).
"""

from collections.abc import Iterable
from typing import Any

from django.db import connections, models


def distinct_values_cte(model, field_name, *, using, skip_empty=False):
    """(SQL of a `WITH RECURSIVE found(value) AS (...)` clause, quoted table, quoted column).

    `found` holds the column's distinct non-null values in order, then one NULL that ends the walk:
    select from it `WHERE value IS NOT NULL`. skip_empty leaves out the empty string too (text columns).
    """
    quote = connections[using].ops.quote_name
    table, column = quote(model._meta.db_table), quote(model._meta.get_field(field_name).column)
    first = f"{column} > ''" if skip_empty else f"{column} IS NOT NULL"
    return f"""
        WITH RECURSIVE found(value) AS (
            (SELECT {column} FROM {table} WHERE {first} ORDER BY {column} LIMIT 1)
            UNION ALL
            SELECT (SELECT {column} FROM {table} WHERE {column} > found.value ORDER BY {column} LIMIT 1)
            FROM found WHERE found.value IS NOT NULL
        )""", table, column


def indexed_values_containing(model: type[models.Model], field_name: str, words: Iterable[str], *,
                              using: str) -> dict[str, list[Any]]:
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
    matches: dict[str, list[Any]] = {word: [] for word in words}
    with connection.cursor() as cursor:
        cursor.execute(sql, [f"%{connection.ops.prep_for_like_query(word)}%" for word in words])
        for n, value in cursor.fetchall():
            matches[words[n]].append(value)
    return matches

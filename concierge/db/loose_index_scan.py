"""The distinct values of an indexed column without reading every row: a "loose index scan".

PostgreSQL has no skip scan for DISTINCT: SELECT DISTINCT reads every row (a million services at
scale 10 hold a few dozen service types and technicians). The recursive query below hops from one
value to the next through the column's btree index instead, one index probe per distinct value.
Used by the staff lists' filter choices and searches (concierge/admin/filters.py) and the report
filters' choices (reports/selectors/choices.py).
"""

from django.db import connections


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

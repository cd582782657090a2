"""SQL pieces for the owner functions that scrub a person from the audit trail (a client's erasure).

The application role may only INSERT and SELECT audit_logs, so each domain app whose audit rows hold
personal data brings an owner function (SECURITY DEFINER, registered with
owner_functions.register_app_callable) naming its own tables and keys in the function's text, never as
arguments: a function taking tables and keys would let the application role scrub any audit row it
liked. These helpers write that text; they know no domain table.
"""

from collections.abc import Iterable


def sql_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def sql_text_array(values: Iterable[str]) -> str:
    return "ARRAY[" + ", ".join(sql_literal(value) for value in values) + "]::text[]"


def audit_scrub_sql(*, table: str, keys: Iterable[str], ids_sql: str, replacement: str) -> str:
    """Two UPDATEs, of old_values then new_values, replacing each non-null value under `keys` with
    `replacement` in the audit rows of `table` whose record_id is in `ids_sql` (a uuid[] expression of
    the function). Other keys keep their values: amounts, dates and states stay readable."""
    keys_sql = sql_text_array(keys)
    return "\n".join(
        f"""    UPDATE audit_logs SET {column} = (
            SELECT jsonb_object_agg(key, CASE WHEN key = ANY({keys_sql}) AND jsonb_typeof(value) <> 'null'
                                              THEN to_jsonb({sql_literal(replacement)}::text) ELSE value END)
            FROM jsonb_each({column}))
        WHERE table_name = {sql_literal(table)} AND record_id = ANY({ids_sql}) AND {column} ?| {keys_sql};"""
        for column in ("old_values", "new_values")
    )

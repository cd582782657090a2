"""The audit trail, written by PostgreSQL itself: one `audit_logs` row per INSERT, UPDATE and DELETE.

Triggers (not model signals) so that bulk update(), bulk_create(), raw SQL and the database's own
ON DELETE CASCADE are recorded too. The function body is defined once here; each audited model
lists `audit_trigger(...)` in its Meta.triggers and pgtrigger writes it into that app's migrations.

Rows are built from to_jsonb(OLD/NEW), never a fixed column list, so adding a column to an audited
table needs no change here. An UPDATE stores only the columns whose value changed.
"""

import pgtrigger

from .context import ACTING_USER_SETTING

ENCRYPTED_MARKER = "[encrypted]"
# Moved by the set_updated_at trigger on every write: noise in a diff, and audit_logs has its own timestamp.
DIFF_IGNORED = ("updated_at",)


def _sql_text_array(names):
    return "ARRAY[" + ", ".join(f"'{name}'" for name in names) + "]::text[]" if names else "ARRAY[]::text[]"


def _mask(var, column):
    # The marker says the value was there (or changed) without saying what it was.
    return (
        f"IF {var} ? '{column}' AND jsonb_typeof({var} -> '{column}') <> 'null' THEN "
        f"{var} := jsonb_set({var}, '{{{column}}}', '\"{ENCRYPTED_MARKER}\"'::jsonb); END IF;"
    )


def audit_trigger(*, encrypted=None, omitted=(), table=None):
    """The AFTER ROW trigger writing this table's audit rows.

    table: the table's name, for a partitioned table (notifications). Its row triggers run on the
        partitions, where TG_TABLE_NAME is the partition's name (`notifications_2026_11`); audit
        rows must name the table. Left out, the trigger names TG_TABLE_NAME, as it always has.

    encrypted: {column: its keyed-hash column}. The column's value is replaced by "[encrypted]";
        since a fresh ciphertext is written on every save, an UPDATE counts it as changed only
        when its hash changed.
    omitted: columns left out of the JSON altogether (the keyed hashes themselves).
    """
    # The body is joined into one line for the migration: no SQL `--` comments in it. An UPDATE
    # that changed nothing a person would see (only updated_at) writes no row.
    encrypted = encrypted or {}
    unchanged_ciphertexts = " ".join(
        f"IF OLD.{hash_column} IS NOT DISTINCT FROM NEW.{hash_column} THEN "
        f"old_j := old_j - '{column}'; new_j := new_j - '{column}'; END IF;"
        for column, hash_column in encrypted.items()
    )
    masks = " ".join(_mask(var, column) for column in encrypted for var in ("old_j", "new_j"))
    func = f"""
        uid := NULLIF(current_setting('{ACTING_USER_SETTING}', true), '')::uuid;
        IF TG_OP = 'INSERT' THEN
            new_j := to_jsonb(NEW) - {_sql_text_array(omitted)};
            rid := NEW.id;
        ELSIF TG_OP = 'DELETE' THEN
            old_j := to_jsonb(OLD) - {_sql_text_array(omitted)};
            rid := OLD.id;
        ELSE
            old_full := to_jsonb(OLD);
            new_full := to_jsonb(NEW);
            SELECT jsonb_object_agg(n.key, n.value) INTO new_j
              FROM jsonb_each(new_full) n WHERE n.value IS DISTINCT FROM old_full -> n.key;
            SELECT jsonb_object_agg(o.key, o.value) INTO old_j
              FROM jsonb_each(old_full) o WHERE o.value IS DISTINCT FROM new_full -> o.key;
            {unchanged_ciphertexts}
            old_j := old_j - {_sql_text_array(tuple(omitted) + DIFF_IGNORED)};
            new_j := new_j - {_sql_text_array(tuple(omitted) + DIFF_IGNORED)};
            IF new_j IS NULL OR new_j = '{{}}'::jsonb THEN
                RETURN NULL;
            END IF;
            rid := NEW.id;
        END IF;
        {masks}
        INSERT INTO audit_logs (table_name, record_id, action, old_values, new_values, user_id)
        VALUES ({f"'{table}'" if table else "TG_TABLE_NAME"}, rid, TG_OP, old_j, new_j, uid);
        RETURN NULL;
    """
    return pgtrigger.Trigger(
        name="audit",
        when=pgtrigger.After,
        operation=pgtrigger.Insert | pgtrigger.Update | pgtrigger.Delete,
        declare=[("uid", "uuid"), ("rid", "uuid"), ("old_j", "jsonb"), ("new_j", "jsonb"),
                 ("old_full", "jsonb"), ("new_full", "jsonb")],
        func=" ".join(line.strip() for line in func.splitlines() if line.strip()),
    )


def protect_audit_logs_trigger():
    """Refuse UPDATE and DELETE on audit_logs (and its partitions) to every role but the table's owner.

    The application role has no UPDATE or DELETE grant on audit_logs either; this is the second lock,
    for a grant given by mistake. The owner reaches the rows only through its own functions (erasure,
    retention: clients/data_rights/owner_sql.py, concierge/db/owner_functions.py), in which current_user
    is the owner. No session setting opens it. TRUNCATE, DISABLE TRIGGER, DETACH and DROP need the
    owner's rights, which the application role does not have (concierge/db/roles.py).
    """
    return pgtrigger.Trigger(
        name="protect_audit_logs",
        when=pgtrigger.Before,
        operation=pgtrigger.Update | pgtrigger.Delete,
        func=(
            "IF NOT pg_has_role(current_user, (SELECT relowner FROM pg_class WHERE oid = TG_RELID), 'MEMBER') THEN "
            "RAISE EXCEPTION 'audit_logs is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege'; "
            "END IF; "
            "IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; RETURN NEW;"
        ),
    )

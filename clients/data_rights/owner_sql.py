"""Erasure of a client's personal data from the audit trail: a function owned by the owner role.

The application role may only INSERT and SELECT audit_logs. The one lawful change to old audit rows
on request is this function: it scrubs the personal keys (services.PERSONAL_KEYS) from the rows of
one client and of that client's notifications (the ones still there and the ones deleted since,
found by the client_id their audit rows keep), and writes the audit row saying the erasure happened
and who asked. It refuses a client whose row has not been anonymised first (services.client_erase
does that in the same transaction), so it cannot be used to scrub the trail of a client on file.

The table names (clients, notifications) and keys are written into the function, not passed to it:
it runs with the owner's rights (SECURITY DEFINER), and a version taking tables and keys as arguments
would let the application role scrub any audit row it liked. It lives here, with the domain whose
tables it names; the platform installs it and grants it to the application role after every migrate
because the clients app registers it (concierge.db.owner_functions.register_app_callable, in
ClientsConfig.ready). Its name is unchanged, so a database migrated before the move keeps working.
"""

from concierge.db.owner_functions import register_app_callable

from .services import ERASED, ERASED_FIRST_NAME, ERASED_LAST_NAME, ERASURE_NOTE, PERSONAL_KEYS

SIGNATURE = "concierge_audit_erase_client(uuid, uuid)"


def _array(values):
    return "ARRAY[" + ", ".join("'" + v.replace("'", "''") + "'" for v in values) + "]::text[]"


def _literal(text):
    return "'" + text.replace("'", "''") + "'"


def _scrub(table, ids_sql):
    keys = _array(PERSONAL_KEYS[table])
    return "\n".join(
        f"""    UPDATE audit_logs SET {column} = (
            SELECT jsonb_object_agg(key, CASE WHEN key = ANY({keys}) AND jsonb_typeof(value) <> 'null'
                                              THEN to_jsonb({_literal(ERASED)}::text) ELSE value END)
            FROM jsonb_each({column}))
        WHERE table_name = '{table}' AND record_id = ANY({ids_sql}) AND {column} ?| {keys};"""
        for column in ("old_values", "new_values")
    )


FUNCTION = f"""
CREATE OR REPLACE FUNCTION public.concierge_audit_erase_client(p_client uuid, p_by uuid) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp
AS $fn$
DECLARE
    notes uuid[];
BEGIN
    IF NOT EXISTS (SELECT 1 FROM clients WHERE id = p_client AND first_name = {_literal(ERASED_FIRST_NAME)}
                   AND last_name = {_literal(ERASED_LAST_NAME)} AND phone IS NULL AND address IS NULL) THEN
        RAISE EXCEPTION 'client % has not been erased: its audit rows stay', p_client USING ERRCODE = 'insufficient_privilege';
    END IF;
    notes := ARRAY(
        SELECT id FROM notifications WHERE client_id = p_client
        UNION SELECT record_id FROM audit_logs WHERE table_name = 'notifications'
              AND (old_values ->> 'client_id' = p_client::text OR new_values ->> 'client_id' = p_client::text));
{_scrub("clients", "ARRAY[p_client]")}
{_scrub("notifications", "notes")}
    INSERT INTO audit_logs (table_name, record_id, action, new_values, user_id)
    VALUES ('clients', p_client, 'UPDATE', jsonb_build_object('erasure', {_literal(ERASURE_NOTE)}), p_by);
END
$fn$;
REVOKE ALL ON FUNCTION public.{SIGNATURE} FROM PUBLIC;
"""


def register() -> None:
    register_app_callable(SIGNATURE, FUNCTION)

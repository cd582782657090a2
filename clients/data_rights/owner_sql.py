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
ClientsConfig.ready). Its name is unchanged, so a database migrated before the move keeps working.
The UPDATEs that scrub the rows are written by the platform's helper (concierge/db/audit_scrub.py),
which payments' function for the payer's name and number uses too (payments/owner_sql.py).
"""

from concierge.db.audit_scrub import audit_scrub_sql, sql_literal
from concierge.db.owner_functions import register_app_callable

from .services import ERASED, ERASED_FIRST_NAME, ERASED_LAST_NAME, ERASURE_NOTE, PERSONAL_KEYS

SIGNATURE = "concierge_audit_erase_client(uuid, uuid)"


def erased_client_required(client_sql: str) -> str:
    """The check an audit-scrubbing owner function starts with: the client (`client_sql`, a uuid
    expression) must already be anonymised (services.client_erase, same transaction), else it raises.
    Other apps' scrubbing functions start with it too, so none scrubs the trail of a client on file."""
    return f"""    IF NOT EXISTS (SELECT 1 FROM clients WHERE id = {client_sql} AND first_name = {sql_literal(ERASED_FIRST_NAME)}
                   AND last_name = {sql_literal(ERASED_LAST_NAME)} AND phone IS NULL AND address IS NULL) THEN
        RAISE EXCEPTION 'client % has not been erased: its audit rows stay', {client_sql} USING ERRCODE = 'insufficient_privilege';
    END IF;"""


def _scrub(table: str, ids_sql: str) -> str:
    return audit_scrub_sql(table=table, keys=PERSONAL_KEYS[table], ids_sql=ids_sql, replacement=ERASED)


FUNCTION = f"""
CREATE OR REPLACE FUNCTION public.concierge_audit_erase_client(p_client uuid, p_by uuid) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp
AS $fn$
DECLARE
    notes uuid[];
BEGIN
{erased_client_required("p_client")}
    notes := ARRAY(
        SELECT id FROM notifications WHERE client_id = p_client
        UNION SELECT record_id FROM audit_logs WHERE table_name = 'notifications'
              AND (old_values ->> 'client_id' = p_client::text OR new_values ->> 'client_id' = p_client::text));
{_scrub("clients", "ARRAY[p_client]")}
{_scrub("notifications", "notes")}
    INSERT INTO audit_logs (table_name, record_id, action, new_values, user_id)
    VALUES ('clients', p_client, 'UPDATE', jsonb_build_object('erasure', {sql_literal(ERASURE_NOTE)}), p_by);
END
$fn$;
REVOKE ALL ON FUNCTION public.{SIGNATURE} FROM PUBLIC;
"""


def register() -> None:
    register_app_callable(SIGNATURE, FUNCTION)

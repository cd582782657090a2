"""Erasure of the payer from payments' audit rows: a function owned by the owner role.

A client's erasure blanks the payer's name and masked number on their Paybill payments and the
masked number on their M-Pesa requests (services/erasure.py), but the audit rows of those rows (their
insert, each update, and the erasure's own update, whose old values hold what was blanked) keep them,
and the application role may not change an audit row. This function scrubs those keys, as the owner
(SECURITY DEFINER), from the audit rows of the client's Paybill payments (found through their ledger
rows) and M-Pesa requests (through their invoices). Amounts, receipts, states and dates stay.

Like clients' concierge_audit_erase_client (clients/data_rights/owner_sql.py), whose check it starts
with, it names its tables and keys in its text and refuses a client not anonymised already; it writes
no audit row of its own (the clients' function wrote the one saying the erasure happened). The platform
installs it and grants it to the application role after every migrate (PaymentsConfig.ready registers it).
"""

from clients.data_rights.owner_sql import erased_client_required
from concierge.db.audit_scrub import audit_scrub_sql
from concierge.db.owner_functions import register_app_callable

from .services.erasure import ERASED

SIGNATURE = "concierge_audit_erase_payer(uuid)"

# Keys of payments' audit JSON naming the payer. MpesaRequest.phone itself is never in its audit rows
# (left out by its trigger: encrypted).
PERSONAL_KEYS = {
    "payments_paybill_payments": ["payer_name", "phone_masked"],
    "payments_mpesa_requests": ["phone_masked"],
}


def _scrub(table: str, ids_sql: str) -> str:
    return audit_scrub_sql(table=table, keys=PERSONAL_KEYS[table], ids_sql=ids_sql, replacement=ERASED)


FUNCTION = f"""
CREATE OR REPLACE FUNCTION public.concierge_audit_erase_payer(p_client uuid) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp
AS $fn$
DECLARE
    paybill uuid[];
    requests uuid[];
BEGIN
{erased_client_required("p_client")}
    paybill := ARRAY(SELECT p.id FROM payments_paybill_payments p JOIN payments_ledger l ON l.id = p.payment_id
                     WHERE l.client_id = p_client);
    requests := ARRAY(SELECT r.id FROM payments_mpesa_requests r JOIN billing_invoices i ON i.id = r.invoice_id
                      WHERE i.client_id = p_client);
{_scrub("payments_paybill_payments", "paybill")}
{_scrub("payments_mpesa_requests", "requests")}
END
$fn$;
REVOKE ALL ON FUNCTION public.{SIGNATURE} FROM PUBLIC;
"""


def register() -> None:
    register_app_callable(SIGNATURE, FUNCTION)

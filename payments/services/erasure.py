"""A client's erasure (docs/audit-and-privacy.md), payments' part: the ledger rows stay (an accounting
record, like the invoices they pay), but who paid loses the person: the payer's name and masked
number on their Paybill payments, their number on M-Pesa requests, both in the stored callbacks, and
both in the audit rows of those Paybill payments and requests (the owner's function of
payments/owner_sql.py: the application role cannot change audit rows itself)."""

from typing import Any

from django.db import connection, transaction

from ..models import MpesaCallback, MpesaRequest, PaybillPayment

ERASED = "[erased]"


def _scrub(body: Any) -> Any:
    if not isinstance(body, dict):
        return body
    for key in ("MSISDN", "FirstName", "MiddleName", "LastName"):
        if key in body:
            body[key] = ERASED
    try:
        for item in body["Body"]["stkCallback"]["CallbackMetadata"]["Item"]:
            if isinstance(item, dict) and item.get("Name") == "PhoneNumber":
                item["Value"] = ERASED
    except (KeyError, TypeError):
        pass
    return body


@transaction.atomic
def payments_person_erase(*, client_id: Any) -> int:
    """Remove the payer's personal data kept with a client's payments; returns the rows changed."""
    changed = 0
    paybill = list(PaybillPayment.objects.filter(payment__client_id=client_id))
    changed += PaybillPayment.objects.filter(pk__in=[row.pk for row in paybill]).update(payer_name="", phone_masked="")
    requests = MpesaRequest.objects.filter(invoice__client_id=client_id)
    request_ids = list(requests.values_list("pk", flat=True))
    for request in requests:
        request.phone, request.phone_masked = ERASED, ""
        request.save(update_fields=["phone", "phone_masked"])
        changed += 1
    trans_ids = {row.trans_id for row in paybill}
    for callback in MpesaCallback.objects.filter(request_id__in=request_ids) | MpesaCallback.objects.filter(
            body__TransID__in=list(trans_ids)):
        MpesaCallback.objects.filter(pk=callback.pk).update(body=_scrub(callback.body))
        changed += 1
    # Last: the updates above wrote audit rows too, whose old values hold what they blanked.
    with connection.cursor() as cursor:
        cursor.execute("SELECT concierge_audit_erase_payer(%s)", [client_id])
    return changed

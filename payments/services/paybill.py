"""Paybill (C2B) payments: Daraja's confirmation matched to an invoice by its account, or kept for
staff (docs/payments.md, "Paybill").

The owner pays the shop's Paybill with the invoice number as the account (INV-000123; any case,
spaces or dashes, or the bare number 123 / 000123 are the same). A confirmation naming an invoice
that exists is recorded on it at once (more than its balance is the client's credit, as any
overpayment). Anything else waits in "Unmatched payments", with a suggestion where one is close: a
plate instead of a number (an unpaid invoice of that car), or a number one keystroke from an unpaid
invoice's. Staff assign it in one click; the assignment is idempotent and refuses a payment someone
assigned meanwhile to another invoice.
"""

import logging
import re
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from billing.models import DocumentKind, Invoice
from concierge.accounts.models import User

from ..models import (
    MPESA_RECEIPT_REGEX,
    CallbackKind,
    CallbackOutcome,
    EntryKind,
    Method,
    MpesaCallback,
    Payment,
    PaybillPayment,
    PaybillState,
)
from ..selectors import invoices_with_balance
from .errors import PaymentRefused
from .ledger import payment_record
from .mpesa import _finish, _transaction_time, mpesa_callback_store

logger = logging.getLogger(__name__)
# Validation answers (Daraja's C2B codes): accepted, or refused with the reason's code.
ACCEPT = {"ResultCode": "0", "ResultDesc": "Accepted"}
INVALID_ACCOUNT = {"ResultCode": "C2B00012", "ResultDesc": "Rejected"}
INVALID_AMOUNT = {"ResultCode": "C2B00013", "ResultDesc": "Rejected"}
INVALID_SHORTCODE = {"ResultCode": "C2B00015", "ResultDesc": "Rejected"}
# The ledger's NUMERIC(12,2): a larger amount is garbled, refused before it fails the insert (and
# every sweep after it).
MAX_AMOUNT = Decimal("9999999999.99")


def _amount(value: Any) -> Decimal | None:
    """A TransAmount above zero that the ledger can hold, in cents; None for anything else."""
    try:
        amount = Decimal(str(value))
        if not amount.is_finite():
            return None
        # Checked once in cents: 0.001 would round to nothing, 9999999999.999 past the column.
        amount = amount.quantize(Decimal("0.01"))
    except ArithmeticError:
        return None
    return amount if 0 < amount <= MAX_AMOUNT else None


def _squash(text: str) -> str:
    return re.sub(r"[^A-Z0-9]", "", (text or "").upper())


def invoice_number_in(account: str) -> int | None:
    """The invoice number an account names exactly: INV-000123, inv 123, 000123, 123."""
    m = re.fullmatch(r"(?:INV)?0*(\d{1,9})", _squash(account))
    return int(m.group(1)) if m and int(m.group(1)) > 0 else None


def _one_keystroke(a: str, b: str) -> bool:
    """Equal but for one digit changed, added, dropped, or two neighbours swapped."""
    if a == b:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        return len(diff) == 1 or (len(diff) == 2 and diff[1] == diff[0] + 1
                                  and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]])
    short, long_ = sorted((a, b), key=len)
    return len(long_) - len(short) == 1 and any(long_[:i] + long_[i + 1:] == short for i in range(len(long_)))


def suggest_invoice(*, account: str) -> tuple[Invoice | None, str]:
    """A loose match for staff to confirm: an unpaid invoice of the plate typed, or the one unpaid
    invoice whose number is one keystroke from the digits typed. (None, "") when nothing is close."""
    squashed = _squash(account)
    annotated: QuerySet[Any] = invoices_with_balance()
    unpaid = annotated.filter(balance__gt=0)
    if re.fullmatch(r"K[A-Z]{2}\d{3}[A-Z]?|[A-Z]{2,3}\d{3,4}[A-Z]?", squashed):
        by_plate = [inv for inv in unpaid.order_by("-issue_date", "-number")[:500]
                    if _squash(inv.vehicle_registration) == squashed]
        if by_plate:
            return by_plate[0], f"plate {by_plate[0].vehicle_registration}"
    digits = re.sub(r"\D", "", squashed).lstrip("0")
    if digits:
        close = [inv for inv in unpaid.only("id", "number", "kind", "total")[:5000]
                 if _one_keystroke(str(inv.number), digits)]
        if len(close) == 1:
            return close[0], f"number one keystroke from {account.strip()[:20]}"
    return None, ""


def _payer_name(body: dict[str, Any]) -> str:
    return " ".join(str(body.get(k) or "").strip() for k in ("FirstName", "MiddleName", "LastName")).strip()[:100]


def mpesa_c2b_validate(*, body: Any) -> dict[str, str]:
    """Daraja's validation request (when enabled for the shortcode): refuse another shortcode, a
    non-positive amount, or an account that looks like an invoice number no invoice has; accept
    the rest (a plate or a typo is matched by staff after the money arrived)."""
    callback = mpesa_callback_store(kind=CallbackKind.C2B_VALIDATION, body=body)
    if not isinstance(body, dict) or str(body.get("BusinessShortCode")) != settings.MPESA_SHORTCODE:
        answer = INVALID_SHORTCODE
    else:
        ok_amount = _amount(body.get("TransAmount")) is not None
        number = invoice_number_in(str(body.get("BillRefNumber") or ""))
        if not ok_amount:
            answer = INVALID_AMOUNT
        elif number is not None and not Invoice.objects.filter(kind=DocumentKind.INVOICE, number=number).exists() \
                and suggest_invoice(account=str(body.get("BillRefNumber") or ""))[0] is None:
            answer = INVALID_ACCOUNT
        else:
            answer = ACCEPT
    _finish(callback, CallbackOutcome.ANSWERED, answer["ResultCode"])
    return answer


@transaction.atomic
def mpesa_c2b_confirmation_process(*, callback: MpesaCallback) -> str:
    """Apply a stored Paybill confirmation; returns the outcome written on it. Idempotent on TransID."""
    callback = MpesaCallback.objects.select_for_update().get(pk=callback.pk)
    if callback.processed_at is not None:
        return callback.outcome
    body = callback.body if isinstance(callback.body, dict) else {}
    if str(body.get("BusinessShortCode")) != settings.MPESA_SHORTCODE or not settings.MPESA_SHORTCODE:
        return _finish(callback, CallbackOutcome.REFUSED_SHORTCODE, "not our Paybill number")
    trans_id = str(body.get("TransID") or "").strip().upper()
    amount = _amount(body.get("TransAmount"))
    if amount is None:
        return _finish(callback, CallbackOutcome.INVALID, "no amount")
    if not re.fullmatch(MPESA_RECEIPT_REGEX, trans_id):
        return _finish(callback, CallbackOutcome.INVALID, "no transaction id")
    existing = PaybillPayment.objects.filter(trans_id=trans_id).first()
    if existing is not None:
        if existing.amount != amount:
            return _finish(callback, CallbackOutcome.REFUSED_REPLAY, "transaction id seen with another amount")
        return _finish(callback, CallbackOutcome.DUPLICATE, "already received")
    if Payment.objects.filter(method=Method.MPESA, kind=EntryKind.PAYMENT, reference=trans_id).exists():
        return _finish(callback, CallbackOutcome.REFUSED_REPLAY, "receipt already recorded (an STK payment)")
    account = str(body.get("BillRefNumber") or "")[:40]
    row = PaybillPayment(trans_id=trans_id, amount=amount, bill_ref=account, payer_name=_payer_name(body),
                         phone_masked=str(body.get("MSISDN") or "")[:20], paid_at=_transaction_time(body.get("TransTime")))
    number = invoice_number_in(account)
    invoice = Invoice.objects.filter(kind=DocumentKind.INVOICE, number=number).first() if number else None
    if invoice is not None:
        row.payment = payment_record(invoice=invoice, amount=amount, method=Method.MPESA, reference=trans_id,
                                     received_at=row.paid_at, idempotency_key=row.pk, note="Paybill")
        row.state = PaybillState.MATCHED
        row.save(force_insert=True)
        return _finish(callback, CallbackOutcome.RECORDED, f"{trans_id} on {invoice}")
    row.suggested_invoice, row.suggestion_reason = suggest_invoice(account=account)
    row.state = PaybillState.UNMATCHED
    row.save(force_insert=True)
    return _finish(callback, CallbackOutcome.UNMATCHED, f"{trans_id}: account {account!r} names no invoice")


def mpesa_c2b_confirmation_receive(*, body: Any) -> MpesaCallback:
    """Store, then process (a failure leaves the stored row for the sweep)."""
    callback = mpesa_callback_store(kind=CallbackKind.C2B_CONFIRMATION, body=body)
    try:
        callback.outcome = mpesa_c2b_confirmation_process(callback=callback)
    except Exception:
        logger.exception("M-Pesa Paybill confirmation %s kept unprocessed for the sweep", callback.pk)
    return callback


@transaction.atomic
def paybill_payment_assign(*, paybill_payment: PaybillPayment, invoice: Invoice, by: User | None) -> Payment:
    """Staff assign an unmatched Paybill payment to an invoice. Pressing twice records once; a
    payment someone assigned meanwhile to another invoice is refused with who and where."""
    row = PaybillPayment.objects.select_for_update().get(pk=paybill_payment.pk)
    if row.payment_id is not None:
        payment = Payment.objects.select_related("invoice").get(pk=row.payment_id)
        if payment.invoice_id == invoice.pk:
            return payment
        who = f" by {row.assigned_by}" if row.assigned_by_id else ""
        raise PaymentRefused(f"{row.trans_id} was already put on {payment.invoice}{who}: not moved.")
    if invoice.kind != DocumentKind.INVOICE:
        raise PaymentRefused("Assign it to an invoice, not a credit note.")
    payment = payment_record(invoice=invoice, amount=row.amount, method=Method.MPESA, reference=row.trans_id,
                             received_at=row.paid_at, by=by, idempotency_key=row.pk,
                             note=f"Paybill, account typed {row.bill_ref!r}"[:200])
    PaybillPayment.objects.filter(pk=row.pk).update(
        state=PaybillState.ASSIGNED, payment=payment, assigned_by=by if by is not None and by.pk else None,
        assigned_at=timezone.now())
    return payment

"""Writes to the payments ledger (docs/payments.md, "The ledger").

Each write locks its invoice row first (SELECT ... FOR UPDATE): two writes for one invoice are
serialised, so a refund is checked against the paid amount as committed, and a repeated request
finds the row the first one wrote. The database checks the same rules again on insert.
"""

import re
import uuid
from datetime import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from billing.models import DocumentKind, Invoice
from concierge.accounts.models import User

from .. import signals
from ..models import MPESA_RECEIPT_REGEX, EntryKind, Method, Payment
from ..selectors import invoice_balance
from .errors import PaymentRefused

MAX_AMOUNT = Decimal("9999999999.99")  # NUMERIC(12,2)
_RECEIPT = re.compile(MPESA_RECEIPT_REGEX)


def _clean_amount(amount: Decimal) -> Decimal:
    if not isinstance(amount, Decimal):
        raise TypeError("amounts are Decimal")
    if not amount.is_finite() or amount <= 0:
        raise ValidationError({"amount": "Enter an amount above zero."})
    if amount != amount.quantize(Decimal("0.01")):
        raise ValidationError({"amount": "Enter shillings and cents: at most two decimal places."})
    if amount > MAX_AMOUNT:
        raise ValidationError({"amount": "That amount is too large."})
    return amount.quantize(Decimal("0.01"))


def _locked_invoice(invoice: Invoice) -> Invoice:
    locked = Invoice.objects.select_for_update().get(pk=invoice.pk)
    if locked.kind != DocumentKind.INVOICE:
        raise PaymentRefused("Payments are recorded against an invoice, not a credit note.")
    return locked


def _same_request(existing: Payment, *, invoice: Invoice, kind: str, amount: Decimal) -> Payment:
    if existing.invoice_id != invoice.pk or existing.kind != kind or existing.amount != amount:
        raise PaymentRefused(
            f"{existing.reference or 'This request'} was already recorded as {existing} on {existing.invoice}: not recorded again."
        )
    return existing


def _existing(*, idempotency_key: uuid.UUID | None, method: str, kind: str, reference: str) -> Payment | None:
    if idempotency_key is not None:
        found = Payment.objects.filter(idempotency_key=idempotency_key).first()
        if found is not None:
            return found
    if method == Method.MPESA and kind == EntryKind.PAYMENT and reference:
        return Payment.objects.filter(method=Method.MPESA, kind=EntryKind.PAYMENT, reference=reference).first()
    return None


def _insert(*, invoice: Invoice, kind: str, method: str, amount: Decimal, reference: str,
            received_at: datetime | None, by: User | None, note: str,
            idempotency_key: uuid.UUID | None) -> tuple[Payment, bool]:
    existing = _existing(idempotency_key=idempotency_key, method=method, kind=kind, reference=reference)
    if existing is not None:
        return _same_request(existing, invoice=invoice, kind=kind, amount=amount), False
    row = Payment(
        invoice=invoice, client_id=invoice.client_id, kind=kind, method=method, amount=amount,
        reference=reference, received_at=received_at or timezone.now(),
        recorded_by=by if by is not None and by.pk else None, note=note[:200], idempotency_key=idempotency_key,
    )
    try:
        # A savepoint: a concurrent writer of the same receipt on another invoice (whose lock we do
        # not hold) wins the unique index; we then answer with its row.
        with transaction.atomic():
            row.save(force_insert=True)
    except IntegrityError:
        existing = _existing(idempotency_key=idempotency_key, method=method, kind=kind, reference=reference)
        if existing is None:
            raise
        return _same_request(existing, invoice=invoice, kind=kind, amount=amount), False
    return row, True


@transaction.atomic
def payment_record(
    *, invoice: Invoice, amount: Decimal, method: str, reference: str = "", received_at: datetime | None = None,
    by: User | None = None, note: str = "", idempotency_key: uuid.UUID | None = None,
) -> Payment:
    """Record money received against an invoice; returns the ledger row.

    Any amount above zero: less than the balance is a partial payment, more leaves the difference as
    the client's credit. Idempotent: the same `idempotency_key`, or for M-Pesa the same receipt code,
    returns the row already written (and refuses if it was for another invoice or amount).
    Sends payment_recorded for a new row only.
    """
    amount = _clean_amount(amount)
    reference = (reference or "").strip().upper() if method == Method.MPESA else (reference or "").strip()
    if method not in Method.values:
        raise ValidationError({"method": "Choose cash, card or M-Pesa."})
    # Empty only for a payment the system settles without a code (an STK push confirmed by the status
    # query), which always carries its request's key.
    if method == Method.MPESA and (reference or idempotency_key is None) and not _RECEIPT.match(reference):
        raise ValidationError({"reference": "An M-Pesa receipt code is ten letters and digits, e.g. SKL3ABCD9X."})
    if len(reference) > 40:
        raise ValidationError({"reference": "At most 40 characters."})
    locked = _locked_invoice(invoice)
    row, created = _insert(invoice=locked, kind=EntryKind.PAYMENT, method=method, amount=amount, reference=reference,
                           received_at=received_at, by=by, note=note, idempotency_key=idempotency_key)
    if created:
        signals.payment_recorded.send(sender=Payment, payment=row, by=by)
    return row


@transaction.atomic
def refund_record(
    *, invoice: Invoice, amount: Decimal, method: str, reference: str = "", by: User | None = None,
    note: str = "", idempotency_key: uuid.UUID | None = None,
) -> Payment:
    """Record money given back to the client against an invoice (an overpayment, or a payment made
    in error). Never more than the invoice holds (its payments less earlier refunds). Idempotent on
    `idempotency_key`. Sends refund_recorded for a new row only."""
    amount = _clean_amount(amount)
    if method not in Method.values:
        raise ValidationError({"method": "Choose cash, card or M-Pesa."})
    reference = (reference or "").strip()[:40]
    locked = _locked_invoice(invoice)
    existing = _existing(idempotency_key=idempotency_key, method=method, kind=EntryKind.REFUND, reference="")
    if existing is not None:
        return _same_request(existing, invoice=locked, kind=EntryKind.REFUND, amount=amount)
    held = invoice_balance(invoice=locked).paid
    if amount > held:
        raise ValidationError({"amount": f"At most KES {held:,} can be refunded: that is what {locked} holds."})
    row, created = _insert(invoice=locked, kind=EntryKind.REFUND, method=method, amount=amount, reference=reference,
                           received_at=None, by=by, note=note, idempotency_key=idempotency_key)
    if created:
        signals.refund_recorded.send(sender=Payment, refund=row, by=by)
    return row

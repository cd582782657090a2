"""Reads of the payments ledger: what an invoice was paid, what is left, and a client's credit.

Every figure is summed by PostgreSQL over NUMERIC columns. An invoice's amount due is its total less
its credit notes' totals; its paid amount is the signed sum of its ledger rows (payments add,
refunds subtract). `balance` is due less paid: positive, the client still owes it; negative, they
paid more than was due and the difference is their credit.
"""

import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import DecimalField, F, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.expressions import CombinedExpression
from django.db.models.functions import Coalesce

from billing.models import DocumentKind, Invoice

from .models import EntryKind, Payment

ZERO = Decimal("0.00")
_MONEY = DecimalField(max_digits=12, decimal_places=2)


@dataclass(frozen=True)
class InvoiceBalance:
    due: Decimal  # total less credit notes
    paid: Decimal  # payments less refunds
    balance: Decimal  # due less paid, never below zero: what the client still owes
    credit: Decimal  # paid less due, never below zero: held as the client's credit


def _signed_amount() -> CombinedExpression:
    paid_in = Coalesce(Sum("amount", filter=Q(kind=EntryKind.PAYMENT)), Value(ZERO), output_field=_MONEY)
    paid_out = Coalesce(Sum("amount", filter=Q(kind=EntryKind.REFUND)), Value(ZERO), output_field=_MONEY)
    return paid_in - paid_out


def _paid_subquery() -> Coalesce:
    paid = (
        Payment.objects.filter(invoice=OuterRef("pk")).order_by().values("invoice")
        .annotate(net=_signed_amount()).values("net")
    )
    return Coalesce(Subquery(paid, output_field=_MONEY), Value(ZERO), output_field=_MONEY)


def _credited_subquery() -> Coalesce:
    credited = (
        Invoice.objects.filter(credited_invoice=OuterRef("pk"), kind=DocumentKind.CREDIT_NOTE).order_by()
        .values("credited_invoice").annotate(sum=Sum("total")).values("sum")
    )
    return Coalesce(Subquery(credited, output_field=_MONEY), Value(ZERO), output_field=_MONEY)


def invoices_with_balance(*, queryset: QuerySet[Invoice] | None = None) -> QuerySet[Invoice]:
    """Invoices (not credit notes) annotated with `credited`, `due`, `paid` and `balance` (due - paid,
    negative when overpaid): one query for a whole list, two subqueries per row."""
    base = Invoice.objects.all() if queryset is None else queryset
    return (
        base.filter(kind=DocumentKind.INVOICE)
        .annotate(credited=_credited_subquery(), paid=_paid_subquery())
        .annotate(due=F("total") - F("credited"))
        .annotate(balance=F("due") - F("paid"))
    )


def invoice_balance(*, invoice: Invoice) -> InvoiceBalance:
    """Due, paid, balance and credit of one invoice, from the database as it is now."""
    rows: QuerySet[Any] = invoices_with_balance(queryset=Invoice.objects.filter(pk=invoice.pk))
    row = rows.values("due", "paid").get()
    due, paid = row["due"], row["paid"]
    return InvoiceBalance(due=due, paid=paid, balance=max(due - paid, ZERO), credit=max(paid - due, ZERO))


def client_credit(*, client_id: uuid.UUID | str) -> Decimal:
    """What a client paid beyond what their invoices ask: the sum of their invoices' overpayments."""
    rows: QuerySet[Any] = invoices_with_balance(queryset=Invoice.objects.filter(client_id=client_id))
    total = rows.filter(balance__lt=0).aggregate(credit=Sum(-F("balance")))["credit"]
    return total or ZERO


def invoice_payments(*, invoice: Invoice) -> QuerySet[Payment]:
    """The ledger rows of one invoice, oldest first, with who recorded them."""
    return Payment.objects.filter(invoice=invoice).select_related("recorded_by").order_by("received_at", "created_at")

"""Reads of the payments ledger: what an invoice was paid, what is left, and a client's credit.

The figures are read from payments_invoice_balances (models.RunningBalance), which PostgreSQL keeps
per invoice in the transaction of every invoice, credit note and ledger row written (the triggers of
migrations/0004): the money arithmetic lives there, once. An invoice's amount due is its total less
its credit notes' totals; its paid amount is its payments less its refunds. `balance` is due less
paid: positive, the client still owes it; negative, they paid more than was due and the difference
is their credit.
"""

import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import F, QuerySet, Sum

from billing.models import DocumentKind, Invoice

from .models import Payment, RunningBalance

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class InvoiceBalance:
    due: Decimal  # total less credit notes
    paid: Decimal  # payments less refunds
    balance: Decimal  # due less paid, never below zero: what the client still owes
    credit: Decimal  # paid less due, never below zero: held as the client's credit


def invoices_with_balance(*, queryset: QuerySet[Invoice] | None = None) -> QuerySet[Invoice]:
    """Invoices (not credit notes) annotated with `credited`, `due`, `paid` and `balance` (due - paid,
    negative when overpaid): one query for a whole list, a join to each invoice's kept row."""
    base = Invoice.objects.all() if queryset is None else queryset
    return base.filter(kind=DocumentKind.INVOICE).annotate(
        due=F("running_balance__due"),
        credited=F("total") - F("running_balance__due"),
        paid=F("running_balance__received") - F("running_balance__refunded"),
        balance=F("running_balance__balance"),
    )


def invoice_balance(*, invoice: Invoice) -> InvoiceBalance:
    """Due, paid, balance and credit of one invoice, from the database as it is now."""
    row = RunningBalance.objects.values("due", "received", "refunded").get(invoice_id=invoice.pk)
    due, paid = row["due"], row["received"] - row["refunded"]
    return InvoiceBalance(due=due, paid=paid, balance=max(due - paid, ZERO), credit=max(paid - due, ZERO))


def client_credit(*, client_id: uuid.UUID | str) -> Decimal:
    """What a client paid beyond what their invoices ask: the sum of their invoices' overpayments
    (read from the kept rows' credit index)."""
    rows: QuerySet[Any] = RunningBalance.objects.filter(client_id=client_id, balance__lt=0)
    total = rows.aggregate(credit=Sum(-F("balance")))["credit"]
    return total or ZERO


def invoice_payments(*, invoice: Invoice) -> QuerySet[Payment]:
    """The ledger rows of one invoice, oldest first, with who recorded them."""
    return Payment.objects.filter(invoice=invoice).select_related("recorded_by").order_by("received_at", "created_at")

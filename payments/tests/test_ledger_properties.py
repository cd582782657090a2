"""Property: over any sequence of payments and refunds (any method, partial, over, refused), the
ledger balances: its rows sum to the paid amount, balance and credit are due less paid, a refund is
never taken beyond what was paid (refused, nothing written), and the balance row the database keeps
equals a recount of the ledger."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from payments.models import EntryKind, Method, Payment, RunningBalance
from payments.selectors import client_credit, invoice_balance, invoices_with_balance
from payments.services import payment_record, refund_record

from .scenarios import an_invoice

pytestmark = pytest.mark.django_db

amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("5000.00"), places=2, allow_nan=False,
                      allow_infinity=False)
steps = st.lists(st.tuples(st.sampled_from([EntryKind.PAYMENT, EntryKind.REFUND]),
                           st.sampled_from([Method.CASH, Method.CARD]), amounts), max_size=12)




@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sequence=steps)
def test_the_ledger_always_balances(sequence):
    invoice = an_invoice(price="1000.00")
    paid = Decimal("0.00")
    for kind, method, amount in sequence:
        if kind == EntryKind.PAYMENT:
            payment_record(invoice=invoice, amount=amount, method=method)
            paid += amount
        elif amount > paid:
            with pytest.raises(ValidationError):
                refund_record(invoice=invoice, amount=amount, method=method)
        else:
            refund_record(invoice=invoice, amount=amount, method=method)
            paid -= amount
        figures = invoice_balance(invoice=invoice)
        rows = Payment.objects.filter(invoice=invoice)
        signed = sum((r.amount if r.kind == EntryKind.PAYMENT else -r.amount for r in rows), Decimal("0.00"))
        assert figures.paid == signed == paid >= 0
        assert figures.balance - figures.credit == figures.due - figures.paid
        assert min(figures.balance, figures.credit) == 0
        listed = invoices_with_balance().get(pk=invoice.pk)
        assert (listed.paid, listed.balance) == (paid, Decimal("1000.00") - paid)
        assert client_credit(client_id=invoice.client_id) == max(paid - Decimal("1000.00"), Decimal("0.00"))
        # The row the database keeps (payments_invoice_balances) equals a recount of the ledger.
        kept = RunningBalance.objects.get(invoice=invoice)
        received = sum((r.amount for r in rows if r.kind == EntryKind.PAYMENT), Decimal("0.00"))
        assert (kept.due, kept.received, kept.refunded) == (invoice.total, received, received - signed)
        assert kept.balance == invoice.total - signed

"""The payments ledger: partial payments, overpayment as credit, refunds, idempotency, and the rules
the database keeps whoever writes (append-only, audited, refunds bounded, the invoice's own client)."""

import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from billing.models import Invoice
from billing.services import credit_note_issue
from concierge.accounts.tests.factories import UserFactory
from concierge.audit.context import acting_as
from concierge.audit.models import AuditLog
from payments.models import EntryKind, Method, Payment
from payments.selectors import client_credit, invoice_balance, invoices_with_balance
from payments.services import PaymentRefused, payment_record, refund_record

from .scenarios import an_invoice

pytestmark = pytest.mark.django_db


def _pay(invoice: Invoice, amount: str, method: str = Method.CASH, **kwargs) -> Payment:
    return payment_record(invoice=invoice, amount=Decimal(amount), method=method, **kwargs)


def test_a_partial_payment_leaves_the_rest_as_balance():
    invoice = an_invoice(price="1000.00")
    _pay(invoice, "400.00")
    _pay(invoice, "250.50", Method.CARD)
    figures = invoice_balance(invoice=invoice)
    assert (figures.due, figures.paid, figures.balance, figures.credit) == (
        Decimal("1000.00"), Decimal("650.50"), Decimal("349.50"), Decimal("0.00"))


def test_an_overpayment_is_held_as_the_clients_credit():
    invoice = an_invoice(price="1000.00")
    _pay(invoice, "1200.00")
    figures = invoice_balance(invoice=invoice)
    assert (figures.balance, figures.credit) == (Decimal("0.00"), Decimal("200.00"))
    assert client_credit(client_id=invoice.client_id) == Decimal("200.00")


def test_a_refund_takes_money_back_and_never_more_than_the_invoice_holds():
    invoice = an_invoice(price="1000.00")
    _pay(invoice, "1200.00")
    refund_record(invoice=invoice, amount=Decimal("200.00"), method=Method.CASH)
    assert invoice_balance(invoice=invoice).paid == Decimal("1000.00")
    assert client_credit(client_id=invoice.client_id) == Decimal("0.00")
    with pytest.raises(ValidationError, match="At most KES 1,000.00"):
        refund_record(invoice=invoice, amount=Decimal("1000.01"), method=Method.CASH)
    assert Payment.objects.filter(invoice=invoice).count() == 2


def test_the_database_refuses_a_refund_beyond_what_was_paid_whoever_writes():
    invoice = an_invoice()
    _pay(invoice, "100.00")
    with pytest.raises(IntegrityError, match="more than the 100.00 paid"), transaction.atomic():
        Payment.objects.create(invoice=invoice, client_id=invoice.client_id, kind=EntryKind.REFUND,
                               method=Method.CASH, amount=Decimal("100.01"), received_at="2026-12-03T10:00:00Z")


def test_a_credit_note_lowers_what_is_due():
    invoice = an_invoice(price="1000.00")
    credit_note_issue(invoice=invoice, reason="Goodwill")
    _pay(invoice, "50.00")
    figures = invoice_balance(invoice=invoice)
    assert (figures.due, figures.balance, figures.credit) == (Decimal("0.00"), Decimal("0.00"), Decimal("50.00"))


def test_the_same_request_twice_records_one_payment():
    invoice = an_invoice()
    key = uuid.uuid4()
    first = _pay(invoice, "300.00", idempotency_key=key)
    again = _pay(invoice, "300.00", idempotency_key=key)
    assert first.pk == again.pk
    assert invoice_balance(invoice=invoice).paid == Decimal("300.00")


def test_an_mpesa_receipt_is_recorded_once_and_refused_for_another_invoice():
    invoice, other = an_invoice(), an_invoice()
    first = _pay(invoice, "300.00", Method.MPESA, reference="skl3abcd9x")
    assert first.reference == "SKL3ABCD9X"
    assert _pay(invoice, "300.00", Method.MPESA, reference="SKL3ABCD9X").pk == first.pk
    with pytest.raises(PaymentRefused, match="already recorded"):
        _pay(other, "300.00", Method.MPESA, reference="SKL3ABCD9X")
    assert Payment.objects.count() == 1


@pytest.mark.parametrize("amount, message", [
    ("0.00", "above zero"), ("-5.00", "above zero"), ("10.001", "two decimal places"), ("NaN", "above zero"),
])
def test_a_bad_amount_is_refused_beside_the_field(amount, message):
    invoice = an_invoice()
    with pytest.raises(ValidationError, match=message):
        _pay(invoice, amount)
    assert not Payment.objects.exists()


def test_a_float_is_never_taken_for_money():
    with pytest.raises(TypeError):
        payment_record(invoice=an_invoice(), amount=10.5, method=Method.CASH)  # type: ignore[arg-type]


def test_payments_go_against_an_invoice_never_a_credit_note():
    invoice = an_invoice()
    credit_note = credit_note_issue(invoice=invoice, reason="Wrong part")
    with pytest.raises(PaymentRefused, match="not a credit note"):
        _pay(credit_note, "10.00")


def test_the_database_refuses_a_payment_naming_another_client():
    invoice, other = an_invoice(), an_invoice()
    with pytest.raises(IntegrityError, match="its invoice's client"), transaction.atomic():
        Payment.objects.create(invoice=invoice, client_id=other.client_id, method=Method.CASH,
                               amount=Decimal("1.00"), received_at="2026-12-03T10:00:00Z")


def test_ledger_rows_are_never_changed_or_deleted():
    payment = _pay(an_invoice(), "300.00")
    for sql in ("UPDATE payments_ledger SET amount = 1 WHERE id = %s", "DELETE FROM payments_ledger WHERE id = %s"):
        with pytest.raises(IntegrityError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [payment.pk])
    assert Payment.objects.get(pk=payment.pk).amount == Decimal("300.00")


def test_a_payment_is_audited_with_who_recorded_it():
    invoice = an_invoice()
    staff = UserFactory()
    with acting_as(staff):
        payment = _pay(invoice, "300.00", by=staff)
    row = AuditLog.objects.get(table_name="payments_ledger", record_id=payment.pk, action="INSERT")
    assert row.user_id == staff.pk
    assert Decimal(str(row.new_values["amount"])) == Decimal("300.00")


def test_the_invoice_list_gets_paid_and_balance_in_one_query(django_assert_num_queries):
    first, second = an_invoice(price="1000.00"), an_invoice(price="500.00")
    _pay(first, "400.00")
    _pay(second, "600.00")
    refund_record(invoice=second, amount=Decimal("50.00"), method=Method.CASH)
    with django_assert_num_queries(1):
        rows = {row.pk: (row.paid, row.balance) for row in invoices_with_balance()}
    assert rows[first.pk] == (Decimal("400.00"), Decimal("600.00"))
    assert rows[second.pk] == (Decimal("550.00"), Decimal("-50.00"))

"""Two staff (or a double click) at once, for real: each call on its own connection, held at the
invoice's lock until both wait there (concierge/tests/concurrency.py)."""

import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from concierge.tests.concurrency import at_once
from payments.models import MpesaRequest, Payment
from payments.selectors import invoice_balance
from payments.services import payment_record, refund_record
from payments.services.mpesa import mpesa_request_create

from .scenarios import an_invoice

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_same_payment_form_sent_twice_at_once_records_once():
    invoice = an_invoice()
    key = uuid.uuid4()

    def pay():
        return payment_record(invoice=invoice, amount=Decimal("100.00"), method="cash", idempotency_key=key).pk

    first, second = at_once(invoice, pay, pay)
    assert first == second and Payment.objects.count() == 1


def test_two_refunds_at_once_never_take_back_more_than_was_paid():
    invoice = an_invoice()
    payment_record(invoice=invoice, amount=Decimal("100.00"), method="cash")

    def refund():
        try:
            refund_record(invoice=invoice, amount=Decimal("80.00"), method="cash", note="twice")
            return "refunded"
        except ValidationError:
            return "refused"

    assert sorted(at_once(invoice, refund, refund)) == ["refunded", "refused"]
    assert invoice_balance(invoice=invoice).paid == Decimal("20.00")


def test_the_same_mpesa_request_sent_twice_at_once_queues_one(mpesa_settings):
    invoice = an_invoice()
    key = uuid.uuid4()

    def ask():
        return mpesa_request_create(invoice=invoice, phone="0712345678", by=None, idempotency_key=key).pk

    first, second = at_once(invoice, ask, ask)
    assert first == second and MpesaRequest.objects.count() == 1

"""A client's erasure keeps their payments (the ledger is an accounting record) but removes the payer's
name and number from their Paybill payments, M-Pesa requests and the stored callbacks."""

import json
from decimal import Decimal

import pytest
from django.urls import reverse

from clients.data_rights.services import client_erase
from concierge.accounts.tests.factories import UserFactory
from payments.models import MpesaCallback, MpesaRequest, PaybillPayment, Payment
from payments.services.mpesa import mpesa_request_create, mpesa_request_send

from .conftest import SECRET
from .scenarios import an_invoice

pytestmark = pytest.mark.django_db


def test_erasure_keeps_the_payments_and_forgets_the_payer(mpesa_settings, daraja_server, client):
    invoice = an_invoice(price="1000.00")
    body = daraja_server.paybill(amount="400", account=invoice.display_number, trans_id="RKTERASE01",
                                 first_name="WANJIRU")
    client.post(reverse("payments:c2b_confirmation", kwargs={"secret": SECRET}), data=json.dumps(body),
                content_type="application/json")
    request = mpesa_request_create(invoice=invoice, phone="0712345678", by=None)
    mpesa_request_send(request_id=request.pk)
    client_erase(client=invoice.client, by=UserFactory())
    assert Payment.objects.get().amount == Decimal("400.00")
    row = PaybillPayment.objects.get()
    assert (row.payer_name, row.phone_masked) == ("", "")
    request = MpesaRequest.objects.get()
    assert request.phone == "[erased]" and request.phone_masked == ""
    stored = json.dumps(list(MpesaCallback.objects.values_list("body", flat=True)))
    assert "WANJIRU" not in stored and "2547" not in stored

"""A client's erasure keeps their payments (the ledger is an accounting record) but removes the payer's
name and number from their Paybill payments, M-Pesa requests and the stored callbacks."""

import json
from decimal import Decimal

import pytest
from django.db import ProgrammingError, connection, transaction
from django.urls import reverse

from clients.data_rights.services import client_erase
from concierge.accounts.tests.factories import UserFactory
from concierge.audit.models import AuditLog
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


def test_erasure_scrubs_the_payers_name_and_number_from_the_audit_rows_of_paybill_and_mpesa_rows(
        mpesa_settings, daraja_server, client):
    invoice = an_invoice(price="1000.00")
    body = daraja_server.paybill(amount="400", account=invoice.display_number, trans_id="RKTERASE02",
                                 first_name="WANJIRU")
    client.post(reverse("payments:c2b_confirmation", kwargs={"secret": SECRET}), data=json.dumps(body),
                content_type="application/json")
    request = mpesa_request_create(invoice=invoice, phone="0712345678", by=None)
    mpesa_request_send(request_id=request.pk)
    paybill = PaybillPayment.objects.get()
    request.refresh_from_db()
    payer, masks = paybill.payer_name, {paybill.phone_masked, request.phone_masked}
    assert "WANJIRU" in payer and all(masks)
    rows = AuditLog.objects.filter(record_id__in=[paybill.pk, request.pk])
    assert payer in audit_text(rows) and all(mask in audit_text(rows) for mask in masks)  # as written

    client_erase(client=invoice.client, by=UserFactory())

    text = audit_text(rows)
    assert "WANJIRU" not in text and not [mask for mask in masks if mask in text]
    # The rows themselves stay, amounts, receipts and states readable; only the person is gone.
    [insert] = rows.filter(table_name="payments_paybill_payments", action="INSERT")
    assert insert.new_values["trans_id"] == "RKTERASE02" and insert.new_values["payer_name"] == "[erased]"
    assert rows.filter(table_name="payments_mpesa_requests", action="INSERT").get().new_values["amount"] == 600


def test_the_payers_audit_rows_are_not_scrubbed_for_a_client_on_file(mpesa_settings, daraja_server, client):
    invoice = an_invoice(price="1000.00")
    body = daraja_server.paybill(amount="400", account=invoice.display_number, trans_id="RKTERASE03",
                                 first_name="WANJIRU")
    client.post(reverse("payments:c2b_confirmation", kwargs={"secret": SECRET}), data=json.dumps(body),
                content_type="application/json")
    with pytest.raises(ProgrammingError, match="has not been erased"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT concierge_audit_erase_payer(%s)", [invoice.client.pk])
    assert "WANJIRU" in audit_text(AuditLog.objects.filter(table_name="payments_paybill_payments"))


def audit_text(rows) -> str:
    return json.dumps([[row.old_values, row.new_values] for row in rows.all()])  # read afresh each time

"""Paybill (C2B): Daraja's confirmation matched to an invoice by its number, loose and missing matches
kept in the unmatched list with a suggestion, staff assigning in one click (idempotent, stale-safe),
a confirmation for another shortcode or replayed refused, and the optional validation answers."""

import json
from decimal import Decimal

import pytest
from django.urls import reverse

from payments.models import CallbackOutcome, MpesaCallback, PaybillPayment, PaybillState, Payment
from payments.selectors import invoice_balance
from payments.services import PaymentRefused
from payments.services.paybill import invoice_number_in, paybill_payment_assign

from .conftest import SECRET
from .scenarios import an_invoice

pytestmark = pytest.mark.django_db


def _confirm(client, body, secret=SECRET):
    url = reverse("payments:c2b_confirmation", kwargs={"secret": secret})
    return client.post(url, data=json.dumps(body), content_type="application/json")


@pytest.mark.parametrize("account, number", [
    ("INV-000123", 123), ("inv 000123", 123), ("123", 123), ("000123", 123), ("KDA 123B", None), ("", None),
])
def test_an_account_names_an_invoice_in_any_spelling(account, number):
    assert invoice_number_in(account) == number


def test_a_paybill_payment_with_the_invoice_number_is_recorded_on_it(mpesa_settings, daraja_server, client):
    invoice = an_invoice(price="1000.00")
    body = daraja_server.paybill(amount="400.00", account=invoice.display_number.lower(), trans_id="RKTQDM7W6S")
    assert _confirm(client, body).json() == {"ResultCode": 0, "ResultDesc": "Accepted"}
    assert _confirm(client, body).status_code == 200  # Daraja repeats it: recorded once
    assert invoice_balance(invoice=invoice).paid == Decimal("400.00")
    assert PaybillPayment.objects.get().state == PaybillState.MATCHED
    assert Payment.objects.get().reference == "RKTQDM7W6S"


def test_a_plate_instead_of_a_number_waits_with_a_suggestion_and_staff_assign_it_once(
        mpesa_settings, daraja_server, client):
    invoice = an_invoice(price="1000.00")
    plate = invoice.vehicle_registration
    _confirm(client, daraja_server.paybill(amount="1000", account=plate.replace(" ", "").lower(), trans_id="RKTPLATE01"))
    row = PaybillPayment.objects.get()
    assert row.state == PaybillState.UNMATCHED and row.suggested_invoice_id == invoice.pk
    assert not Payment.objects.exists()
    first = paybill_payment_assign(paybill_payment=row, invoice=invoice, by=None)
    again = paybill_payment_assign(paybill_payment=row, invoice=invoice, by=None)  # a double click
    assert first.pk == again.pk and invoice_balance(invoice=invoice).balance == Decimal("0.00")


def test_a_typo_in_the_number_is_suggested_and_a_stale_assignment_elsewhere_is_refused(
        mpesa_settings, daraja_server, client):
    invoice, other = an_invoice(), an_invoice()
    typo = str(invoice.number * 10 + 7)  # one digit too many
    _confirm(client, daraja_server.paybill(amount="250", account=typo, trans_id="RKTTYPO001"))
    row = PaybillPayment.objects.get()
    assert row.state == PaybillState.UNMATCHED
    paybill_payment_assign(paybill_payment=row, invoice=other, by=None)
    with pytest.raises(PaymentRefused, match="already put on"):
        paybill_payment_assign(paybill_payment=row, invoice=invoice, by=None)
    assert Payment.objects.count() == 1 and Payment.objects.get().invoice_id == other.pk


def test_a_payment_naming_nothing_waits_without_a_suggestion(mpesa_settings, daraja_server, client):
    an_invoice()
    _confirm(client, daraja_server.paybill(amount="300", account="MAMA MBOGA", trans_id="RKTNONE001"))
    row = PaybillPayment.objects.get()
    assert (row.state, row.suggested_invoice_id) == (PaybillState.UNMATCHED, None)
    assert MpesaCallback.objects.get().outcome == CallbackOutcome.UNMATCHED


def test_a_confirmation_for_another_shortcode_is_refused(mpesa_settings, daraja_server, client):
    invoice = an_invoice()
    body = daraja_server.paybill(amount="100", account=invoice.display_number, trans_id="RKTOTHER01",
                                 shortcode="600000")
    assert _confirm(client, body).status_code == 400
    assert MpesaCallback.objects.get().outcome == CallbackOutcome.REFUSED_SHORTCODE
    assert not Payment.objects.exists() and not PaybillPayment.objects.exists()


def test_a_replayed_transaction_id_with_another_amount_is_refused(mpesa_settings, daraja_server, client):
    invoice = an_invoice()
    _confirm(client, daraja_server.paybill(amount="100", account=invoice.display_number, trans_id="RKTREPLAY1"))
    assert _confirm(client, daraja_server.paybill(amount="900", account=invoice.display_number,
                                                  trans_id="RKTREPLAY1")).status_code == 400
    assert invoice_balance(invoice=invoice).paid == Decimal("100.00")


def test_the_payers_number_is_kept_masked(mpesa_settings, daraja_server, client):
    invoice = an_invoice()
    body = daraja_server.paybill(amount="100", account=invoice.display_number, trans_id="RKTMASK001")
    body["MSISDN"] = "254712345678"  # an unmasked number, as older integrations received
    _confirm(client, body)
    assert "254712345678" not in json.dumps(MpesaCallback.objects.get().body)
    assert PaybillPayment.objects.get().phone_masked == "2547******78"


def test_validation_accepts_an_invoice_and_refuses_an_unknown_number_or_shortcode(mpesa_settings, daraja_server,
                                                                                  client):
    invoice = an_invoice()
    url = reverse("payments:c2b_validation", kwargs={"secret": SECRET})

    def validate(**kwargs):
        body = daraja_server.paybill(trans_id="RKTVALID01", **kwargs)
        return client.post(url, data=json.dumps(body), content_type="application/json").json()["ResultCode"]

    assert validate(amount="100", account=invoice.display_number) == "0"
    assert validate(amount="100", account="INV-987654") == "C2B00012"
    assert validate(amount="100", account=invoice.display_number, shortcode="600000") == "C2B00015"
    assert validate(amount="0", account=invoice.display_number) == "C2B00013"


def test_the_register_command_gives_daraja_both_urls_without_printing_the_secret(mpesa_settings, daraja_server):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("mpesa_register_urls", stdout=out)
    registered = daraja_server.registered
    assert registered["ShortCode"] == "174379" and registered["ResponseType"] == "Completed"
    assert registered["ConfirmationURL"].endswith(f"/callbacks/mpesa/c2b/confirmation/{SECRET}/")
    assert registered["ValidationURL"].endswith(f"/callbacks/mpesa/c2b/validation/{SECRET}/")
    assert SECRET not in out.getvalue() and "<secret>" in out.getvalue()


def test_the_register_command_refuses_without_settings(settings):
    from django.core.management import CommandError, call_command

    settings.MPESA_SHORTCODE = ""
    with pytest.raises(CommandError, match="not configured"):
        call_command("mpesa_register_urls")

"""STK push through the outbox against the fake Daraja: the push's shape, the owner's answers
(paid, cancelled, timed out, insufficient funds), a lost callback settled by the status query, a late
callback after it, a duplicated one, and forged ones (wrong secret, a CheckoutRequestID or amount that
is not the request's, a replayed receipt): refused, kept for staff, never recorded."""

import base64
import json
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from django.utils import timezone

from payments.models import CallbackOutcome, MpesaCallback, MpesaRequest, Payment, RequestState
from payments.selectors import client_credit, invoice_balance
from payments.services import payment_record
from payments.services.errors import PaymentRefused
from payments.services.mpesa import (
    mpesa_request_create,
    mpesa_request_query,
    mpesa_request_send,
    mpesa_sweep,
    stk_callback_url,
)

from .conftest import SECRET
from .scenarios import an_invoice

pytestmark = pytest.mark.django_db

PHONE = "0712 345 678"


def _requested(invoice, **kwargs):
    row = mpesa_request_create(invoice=invoice, phone=PHONE, by=None, **kwargs)
    assert mpesa_request_send(request_id=row.pk) == RequestState.PENDING
    row.refresh_from_db()
    return row


def _post(client, row, body, secret=SECRET):
    path = urlsplit(stk_callback_url(request_id=row.pk)).path.replace(SECRET, secret)
    return client.post(path, data=json.dumps(body), content_type="application/json")


def test_the_push_asks_for_the_balance_in_whole_shillings_with_daraja_fields(mpesa_settings, daraja_server):
    invoice = an_invoice(price="1000.50")
    payment_record(invoice=invoice, amount=Decimal("200.00"), method="cash")
    row = _requested(invoice)
    (push, checkout), = daraja_server.pushes
    assert push["Amount"] == 801 and row.amount == Decimal("801")
    assert push["PhoneNumber"] == push["PartyA"] == "254712345678"
    assert push["PartyB"] == push["BusinessShortCode"] == "174379"
    assert push["AccountReference"] == invoice.display_number and len(push["AccountReference"]) <= 12
    assert push["TransactionType"] == "CustomerPayBillOnline"
    assert len(push["Timestamp"]) == 14
    assert base64.b64decode(push["Password"]).decode() == "174379" + daraja_server.passkey + push["Timestamp"]
    assert push["CallBackURL"].endswith(f"/callbacks/mpesa/stk/{SECRET}/{row.pk}/")
    assert row.checkout_request_id == checkout and row.phone_masked == "2547******78"
    # One token for the push (OAuth with the consumer key and secret).
    assert daraja_server.tokens_issued == 1


def test_a_paid_callback_records_the_payment_once_even_when_sent_twice(mpesa_settings, daraja_server, client):
    invoice = an_invoice(price="1000.00")
    row = _requested(invoice)
    body = daraja_server.answer(row.checkout_request_id, 0, receipt="SKL3ABCD9X")
    assert _post(client, row, body).json() == {"ResultCode": 0, "ResultDesc": "Accepted"}
    assert _post(client, row, body).status_code == 200
    row.refresh_from_db()
    assert row.state == RequestState.PAID and row.receipt_number == "SKL3ABCD9X"
    assert Payment.objects.get().reference == "SKL3ABCD9X"
    assert invoice_balance(invoice=invoice).balance == Decimal("0.00")
    assert list(MpesaCallback.objects.order_by("received_at").values_list("outcome", flat=True)) == [
        CallbackOutcome.RECORDED, CallbackOutcome.DUPLICATE]
    # The phone is kept masked, even in the stored body.
    assert "254712345678" not in json.dumps(list(MpesaCallback.objects.values_list("body", flat=True)))


@pytest.mark.parametrize("code, words", [
    (1032, "cancelled"), (1037, "did not answer in time"), (1, "balance was too low"),
])
def test_an_owner_who_does_not_pay_is_shown_to_staff_in_words(mpesa_settings, daraja_server, client, code, words):
    invoice = an_invoice()
    row = _requested(invoice)
    assert _post(client, row, daraja_server.answer(row.checkout_request_id, code)).status_code == 200
    row.refresh_from_db()
    assert row.state == RequestState.FAILED and words in row.status_message
    assert not Payment.objects.exists()
    # And the invoice can be asked again.
    assert mpesa_request_create(invoice=invoice, phone=PHONE, by=None).state == RequestState.QUEUED


def test_a_lost_callback_is_settled_by_the_status_query_and_a_late_one_adds_the_receipt(
        mpesa_settings, daraja_server, client):
    invoice = an_invoice(price="1000.00")
    row = _requested(invoice)
    assert mpesa_request_query(request_id=row.pk) == RequestState.PENDING  # the owner has not answered
    late = daraja_server.answer(row.checkout_request_id, 0, receipt="SKL3LATE01")  # callback lost
    assert mpesa_request_query(request_id=row.pk) == RequestState.PAID
    assert invoice_balance(invoice=invoice).paid == Decimal("1000.00")
    assert _post(client, row, late).status_code == 200
    row.refresh_from_db()
    assert row.receipt_number == "SKL3LATE01"
    assert Payment.objects.count() == 1


def test_a_timeout_found_by_the_beat_sweep_query(mpesa_settings, daraja_server):
    row = _requested(an_invoice())
    daraja_server.answer(row.checkout_request_id, 1037)  # callback never delivered
    mpesa_sweep()  # queues the query task; run it as the worker would
    assert mpesa_request_query(request_id=row.pk) == RequestState.FAILED
    row.refresh_from_db()
    assert "did not answer in time" in row.status_message


def test_a_worker_lost_mid_send_leaves_the_request_uncertain_and_it_is_never_pushed_again(mpesa_settings,
                                                                                           daraja_server):
    row = mpesa_request_create(invoice=an_invoice(), phone=PHONE, by=None)
    MpesaRequest.objects.filter(pk=row.pk).update(state=RequestState.SENDING,
                                                  sent_at=timezone.now() - timezone.timedelta(minutes=5))
    assert mpesa_sweep()["uncertain"] == 1
    assert mpesa_request_send(request_id=row.pk) == "skipped"
    row.refresh_from_db()
    assert row.state == RequestState.UNCERTAIN and "may have reached the phone" in row.status_message
    assert daraja_server.pushes == []


def test_a_push_whose_answer_is_lost_is_uncertain_and_its_callback_still_settles_it(mpesa_settings,
                                                                                    daraja_server, client):
    daraja_server.hang_next = 1  # Daraja takes the push, answers after the client's timeout
    row = mpesa_request_create(invoice=an_invoice(price="1000.00"), phone=PHONE, by=None)
    assert mpesa_request_send(request_id=row.pk) == RequestState.UNCERTAIN
    (_, checkout), = daraja_server.pushes
    assert _post(client, row, daraja_server.answer(checkout, 0)).status_code == 200
    row.refresh_from_db()
    assert row.state == RequestState.PAID and row.checkout_request_id == checkout
    assert len(daraja_server.pushes) == 1


def test_daraja_refusing_the_push_is_shown_and_nothing_is_waiting(mpesa_settings, daraja_server):
    daraja_server.passkey = "another-passkey"  # our Password no longer checks out
    row = mpesa_request_create(invoice=an_invoice(), phone=PHONE, by=None)
    assert mpesa_request_send(request_id=row.pk) == RequestState.REFUSED
    row.refresh_from_db()
    assert "Invalid Password" in row.status_message and "Nothing reached" in row.status_message


def test_a_wrong_secret_is_a_bare_404_and_nothing_is_stored(mpesa_settings, daraja_server, client):
    row = _requested(an_invoice())
    body = daraja_server.answer(row.checkout_request_id, 0)
    assert _post(client, row, body, secret="x" * 40).status_code == 404
    assert not MpesaCallback.objects.exists() and not Payment.objects.exists()


def test_a_callback_with_another_checkout_id_is_refused_and_kept_for_staff(mpesa_settings, daraja_server, client):
    row = _requested(an_invoice())
    body = daraja_server.answer(row.checkout_request_id, 0)
    body["Body"]["stkCallback"]["CheckoutRequestID"] = "ws_CO_forged000001"
    assert _post(client, row, body).status_code == 400
    assert MpesaCallback.objects.get().outcome == CallbackOutcome.REFUSED_UNKNOWN
    assert not Payment.objects.exists()


def test_a_callback_for_a_request_we_never_made_is_refused(mpesa_settings, daraja_server, client):
    row = _requested(an_invoice())
    body = daraja_server.answer(row.checkout_request_id, 0)
    other = MpesaRequest(pk="00000000-0000-0000-0000-000000000001")
    assert _post(client, other, body).status_code == 400
    assert MpesaCallback.objects.get().outcome == CallbackOutcome.REFUSED_UNKNOWN
    assert not Payment.objects.exists()


def test_a_callback_with_another_amount_is_refused(mpesa_settings, daraja_server, client):
    row = _requested(an_invoice(price="1000.00"))
    assert _post(client, row, daraja_server.answer(row.checkout_request_id, 0, amount=1)).status_code == 400
    assert MpesaCallback.objects.get().outcome == CallbackOutcome.REFUSED_AMOUNT
    row.refresh_from_db()
    assert row.state == RequestState.PENDING and not Payment.objects.exists()


def test_a_receipt_replayed_on_another_request_is_refused(mpesa_settings, daraja_server, client):
    first, second = _requested(an_invoice(price="500.00")), _requested(an_invoice(price="500.00"))
    _post(client, first, daraja_server.answer(first.checkout_request_id, 0, receipt="SKLREPLAY1"))
    response = _post(client, second, daraja_server.answer(second.checkout_request_id, 0, receipt="SKLREPLAY1"))
    assert response.status_code == 400
    assert MpesaCallback.objects.filter(outcome=CallbackOutcome.REFUSED_REPLAY).count() == 1
    assert Payment.objects.count() == 1


def test_one_open_request_per_invoice_and_none_for_a_paid_one(mpesa_settings, daraja_server):
    invoice = an_invoice(price="100.00")
    _requested(invoice)
    with pytest.raises(PaymentRefused, match="already waiting"):
        mpesa_request_create(invoice=invoice, phone=PHONE, by=None)
    paid = an_invoice(price="100.00")
    payment_record(invoice=paid, amount=Decimal("100.00"), method="cash")
    with pytest.raises(PaymentRefused, match="is paid"):
        mpesa_request_create(invoice=paid, phone=PHONE, by=None)


def test_a_partial_mpesa_payment_then_an_overpayment_by_cash_is_credit(mpesa_settings, daraja_server, client):
    invoice = an_invoice(price="1000.00")
    payment_record(invoice=invoice, amount=Decimal("600.00"), method="cash")
    row = _requested(invoice)
    assert row.amount == Decimal("400")
    _post(client, row, daraja_server.answer(row.checkout_request_id, 0))
    payment_record(invoice=invoice, amount=Decimal("50.00"), method="cash")
    assert invoice_balance(invoice=invoice).credit == Decimal("50.00")
    assert client_credit(client_id=invoice.client_id) == Decimal("50.00")


def test_without_settings_mpesa_is_refused_and_cash_still_works(settings):
    settings.MPESA_CONSUMER_KEY = ""
    invoice = an_invoice()
    with pytest.raises(PaymentRefused, match="not configured"):
        mpesa_request_create(invoice=invoice, phone=PHONE, by=None)
    payment_record(invoice=invoice, amount=Decimal("10.00"), method="cash")


def test_no_secret_token_or_phone_reaches_the_log(mpesa_settings, daraja_server, client, caplog):
    caplog.set_level("DEBUG")
    row = _requested(an_invoice())
    forged = daraja_server.answer(row.checkout_request_id, 0)
    forged["Body"]["stkCallback"]["CheckoutRequestID"] = "ws_CO_forged000002"
    _post(client, row, forged)
    text = caplog.text
    for secret in (SECRET, daraja_server.token, daraja_server.passkey, daraja_server.consumer_secret,
                   "254712345678", "712345678"):
        assert secret not in text


def test_a_body_that_is_not_json_is_kept_as_text_and_refused(mpesa_settings, daraja_server, client):
    row = _requested(an_invoice())
    path = urlsplit(stk_callback_url(request_id=row.pk)).path
    assert client.post(path, data="<xml>not json</xml>", content_type="application/json").status_code == 400
    kept = MpesaCallback.objects.get()
    assert kept.outcome == CallbackOutcome.INVALID and kept.body == {"unparsed": "<xml>not json</xml>"}


def test_a_callback_whose_processing_failed_is_kept_and_the_sweep_applies_it(mpesa_settings, daraja_server):
    from payments.models import CallbackKind
    from payments.services.mpesa import mpesa_callback_store

    row = _requested(an_invoice(price="1000.00"))
    body = daraja_server.answer(row.checkout_request_id, 0, receipt="SKLSWEPT01")
    # Stored, then the process died before applying it (as a crash between the two commits would).
    stored = mpesa_callback_store(kind=CallbackKind.STK, body=body, request_id=row.pk)
    MpesaCallback.objects.filter(pk=stored.pk).update(received_at=timezone.now() - timezone.timedelta(minutes=5))
    assert mpesa_sweep()["reprocessed"] == 1
    row.refresh_from_db()
    assert row.state == RequestState.PAID and Payment.objects.get().reference == "SKLSWEPT01"

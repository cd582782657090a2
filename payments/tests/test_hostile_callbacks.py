"""Hostile bodies at Daraja's callback URLs (a garbled proxy, a forger who has the URL): never a 500.
What arrived is kept (as text, NULs shown as \\u0000, when PostgreSQL could not store it as JSON) and
processed at once, so nothing waits for the sweep to fail again; the answer is Daraja's refusal shape;
nothing reaches the ledger."""

import json
from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from payments.models import CallbackOutcome, MpesaCallback, PaybillPayment, Payment
from payments.services.mpesa import mpesa_request_create, mpesa_request_send, stk_callback_url

from .conftest import SECRET
from .scenarios import an_invoice

pytestmark = pytest.mark.django_db

DIGITS_5000 = "9" * 5000


def _stk(checkout, amount="100", **extra):
    items = [{"Name": "Amount", "Value": amount}, {"Name": "MpesaReceiptNumber", "Value": "SKLHOSTILE"},
             {"Name": "TransactionDate", "Value": 20261203143005}, {"Name": "PhoneNumber", "Value": 254712345678}]
    body = {"Body": {"stkCallback": {"MerchantRequestID": "m-1", "CheckoutRequestID": checkout, "ResultCode": 0,
                                     "ResultDesc": "ok", "CallbackMetadata": {"Item": items}, **extra}}}
    return json.dumps(body)


def _c2b(shortcode, **fields):
    body = {"TransactionType": "Pay Bill", "TransID": "RKTHOSTILE", "TransTime": "20261203143005",
            "TransAmount": "100", "BusinessShortCode": shortcode, "BillRefNumber": "INV-000001",
            "MSISDN": "2547 ***** 149", "FirstName": "WANJIKU"}
    return json.dumps(body | fields)


# Each a template: {checkout} and {shortcode} are filled in so that only the hostile part is wrong.
HOSTILE = {
    "not json": "<xml>not json</xml>",
    "a list": "[1, 2, 3]",
    "a string": '"Body"',
    "a number": "42",
    "null": "null",
    "an empty object": "{}",
    "NaN literal": '{"Body": NaN}',
    "1e400": _stk("{checkout}").replace('"100"', "1e400"),
    "5000 digits": _stk("{checkout}").replace('"100"', DIGITS_5000),
    "5000 digits as text": _stk("{checkout}", amount=DIGITS_5000),
    "sNaN amount": _stk("{checkout}", amount="sNaN"),
    "amount an object": _stk("{checkout}", amount={"KES": 100}),
    "NUL in a value": _stk("{checkout}\u0000"),
    "NUL in a key": '{"Body\\u0000": {}}',
    "a raw NUL byte": "not json \x00 at all",
    "a lone surrogate": _stk("{checkout}", amount="\ud800"),
    "not UTF-8": "\udcff\udcfe",  # sent as the bytes ff fe (below)
    "deeply nested": "[" * 5000 + "]" * 5000,
    "metadata a string": _stk("{checkout}", CallbackMetadata="Item"),
    "items a number": _stk("{checkout}", CallbackMetadata={"Item": 7}),
    "item names objects": _stk("{checkout}", CallbackMetadata={"Item": [{"Name": {"a": 1}, "Value": 1}]}),
    "stkCallback a list": '{"Body": {"stkCallback": []}}',
    "c2b NUL and 1e400": _c2b("{shortcode}", TransID="RKT\u0000", BillRefNumber="\u0000").replace('"100"', "1e400"),
    "c2b amount 5000 digits": _c2b("{shortcode}", TransAmount=DIGITS_5000, BillRefNumber="1" * 5000),
    "c2b amount too large for the ledger": _c2b("{shortcode}", TransAmount="99999999999999"),
    "c2b amount rounds to nothing": _c2b("{shortcode}", TransAmount="0.001"),
    "c2b amount an object": _c2b("{shortcode}", TransAmount={"a": 1}, FirstName={"a": 1}),
    "c2b NaN amount": _c2b("{shortcode}", TransAmount="NaN"),
    "c2b NUL in the name": _c2b("{shortcode}", TransAmount="0", FirstName="A\u0000B"),
}


def _send(client, where, template):
    invoice = an_invoice(price="100.00")
    assert invoice.number == 1
    if where == "stk":
        row = mpesa_request_create(invoice=invoice, phone="0712345678", by=None)
        mpesa_request_send(request_id=row.pk)
        row.refresh_from_db()
        path, fill = urlsplit(stk_callback_url(request_id=row.pk)).path, row.checkout_request_id
    else:
        path, fill = reverse(f"payments:c2b_{where}", kwargs={"secret": SECRET}), None
    from django.conf import settings

    text = template.replace("{checkout}", fill or "ws_CO_x").replace("{shortcode}", settings.MPESA_SHORTCODE)
    body = text.encode("utf-8", "surrogateescape" if "\udcff" in text else "surrogatepass")
    return client.post(path, data=body, content_type="application/json")


@pytest.mark.parametrize("name", HOSTILE)
@pytest.mark.parametrize("where", ["stk", "confirmation", "validation"])
def test_a_hostile_callback_is_kept_and_refused_never_a_500(mpesa_settings, daraja_server, client, where, name):
    response = _send(client, where, HOSTILE[name])
    answer = response.json()
    if where == "validation":
        assert response.status_code == 200 and answer["ResultCode"].startswith("C2B000")
    else:
        assert response.status_code == 400 and answer == {"ResultCode": 1, "ResultDesc": "Rejected"}
    kept = MpesaCallback.objects.get()
    assert kept.processed_at is not None  # settled now, not left for the sweep to fail on again
    assert kept.outcome != CallbackOutcome.RECORDED
    assert not Payment.objects.exists() and not PaybillPayment.objects.exists()


@pytest.mark.parametrize("where", ["stk", "confirmation", "validation"])
def test_a_body_with_a_nul_is_kept_as_text_with_the_nul_shown(mpesa_settings, daraja_server, client, where):
    _send(client, where, '{"TransID": "RKT\\u0000", "raw": "\x00"}')
    kept = MpesaCallback.objects.get()
    assert kept.outcome == CallbackOutcome.INVALID
    assert kept.body == {"unparsed": '{"TransID": "RKT\\u0000", "raw": "\\u0000"}'}


def test_a_garbled_transaction_time_is_not_stored(mpesa_settings, daraja_server, client):
    from django.conf import settings

    client.post(reverse("payments:c2b_confirmation", kwargs={"secret": SECRET}), content_type="application/json",
                data=_c2b(settings.MPESA_SHORTCODE, TransTime="00010101000000"))
    client.post(reverse("payments:c2b_confirmation", kwargs={"secret": SECRET}), content_type="application/json",
                data=_c2b(settings.MPESA_SHORTCODE, TransTime="99991231235959", TransID="RKTHOSTIL2"))
    assert {row.paid_at.year for row in PaybillPayment.objects.all()} == {2026}

"""The invoice page's payments (paid / balance, the ledger rows, M-Pesa requests in words), taking a
payment once however often the form is sent, the M-Pesa button only when configured, refunds for
managers only, bad input beside the field, and the unmatched Paybill list's one-click assignment."""

import uuid
from decimal import Decimal

import pytest
from django.urls import reverse

from concierge.accounts.roles import FRONT_DESK, MANAGER, TECHNICIAN
from concierge.accounts.tests.factories import login_verified, staff_in_role
from payments.models import MpesaRequest, PaybillPayment, PaybillState, Payment, RequestState
from payments.selectors import invoice_balance

from .scenarios import an_invoice

pytestmark = pytest.mark.django_db


def _as(client, role):
    user = staff_in_role(role)
    login_verified(client, user)
    return user


def _page(client, invoice):
    return client.get(reverse("admin:billing_invoice_change", args=[invoice.pk])).content.decode()


def test_front_desk_records_a_cash_payment_once_and_the_invoice_shows_paid_and_balance(client):
    invoice = an_invoice(price="1000.00")
    user = _as(client, FRONT_DESK)
    url = reverse("admin:billing_invoice_payment", args=[invoice.pk])
    form = {"method": "cash", "amount": "400.00", "reference": "", "note": "", "token": str(uuid.uuid4())}
    assert client.post(url, form).status_code == 302
    assert client.post(url, form).status_code == 302  # the same page sent twice
    assert Payment.objects.get().recorded_by == user
    page = _page(client, invoice)
    assert "<strong>Paid</strong> KES 400.00" in page and "<strong>Balance</strong> KES 600.00" in page


@pytest.mark.parametrize("amount, method, reference, field", [
    ("0", "cash", "", "amount"), ("12.345", "cash", "", "amount"), ("abc", "card", "", "amount"),
    ("100", "mpesa", "", "reference"), ("100", "mpesa", "NOT-A-CODE", "reference"),
])
def test_bad_payment_input_is_refused_beside_the_field(client, amount, method, reference, field):
    invoice = an_invoice()
    _as(client, FRONT_DESK)
    response = client.post(reverse("admin:billing_invoice_payment", args=[invoice.pk]),
                           {"method": method, "amount": amount, "reference": reference, "token": str(uuid.uuid4())})
    assert response.status_code == 200 and field in response.context["form"].errors
    assert not Payment.objects.exists()


def test_the_mpesa_button_shows_only_when_mpesa_is_configured(client, settings, mpesa_settings):
    invoice = an_invoice()
    _as(client, FRONT_DESK)
    assert "Request M-Pesa payment" in _page(client, invoice)
    settings.MPESA_PASSKEY = ""
    assert "Request M-Pesa payment" not in _page(client, invoice)
    assert client.get(reverse("admin:billing_invoice_mpesa", args=[invoice.pk])).status_code == 403
    assert "Record a payment" in _page(client, invoice)


def test_staff_request_an_mpesa_payment_queued_once_and_shown_in_words(client, mpesa_settings,
                                                                       django_capture_on_commit_callbacks):
    invoice = an_invoice(price="1000.00")
    _as(client, FRONT_DESK)
    url = reverse("admin:billing_invoice_mpesa", args=[invoice.pk])
    form = {"phone": "0712345678", "token": str(uuid.uuid4())}
    with django_capture_on_commit_callbacks() as callbacks:
        assert client.post(url, form).status_code == 302
        assert client.post(url, form).status_code == 302
    row = MpesaRequest.objects.get()
    assert row.state == RequestState.QUEUED and row.amount == Decimal("1000") and len(callbacks) == 1
    page = _page(client, invoice)
    assert "2547******78" in page and "0712345678" not in page and "Queued" in page


def test_a_bad_phone_is_refused_on_the_form(client, mpesa_settings):
    invoice = an_invoice()
    _as(client, FRONT_DESK)
    response = client.post(reverse("admin:billing_invoice_mpesa", args=[invoice.pk]),
                           {"phone": "12345", "token": str(uuid.uuid4())})
    assert response.status_code == 200 and "Safaricom mobile number" in response.content.decode()
    assert not MpesaRequest.objects.exists()


def test_only_a_manager_records_a_refund_and_never_beyond_what_was_paid(client):
    invoice = an_invoice(price="1000.00")
    _as(client, FRONT_DESK)
    assert client.get(reverse("admin:billing_invoice_refund", args=[invoice.pk])).status_code == 403
    client.logout()
    _as(client, MANAGER)
    client.post(reverse("admin:billing_invoice_payment", args=[invoice.pk]),
                {"method": "cash", "amount": "1200.00", "token": str(uuid.uuid4())})
    url = reverse("admin:billing_invoice_refund", args=[invoice.pk])
    too_much = client.post(url, {"method": "cash", "amount": "1300.00", "note": "Overpaid", "token": str(uuid.uuid4())})
    assert too_much.status_code == 200 and "amount" in too_much.context["form"].errors
    assert client.post(url, {"method": "cash", "amount": "200.00", "note": "Overpaid",
                             "token": str(uuid.uuid4())}).status_code == 302
    assert invoice_balance(invoice=invoice).credit == Decimal("0.00")


def test_a_technician_takes_no_payment(client):
    invoice = an_invoice()
    _as(client, TECHNICIAN)
    assert client.get(reverse("admin:billing_invoice_payment", args=[invoice.pk])).status_code in (302, 403)
    assert not Payment.objects.exists()


def test_an_unmatched_paybill_payment_is_assigned_in_one_click(client, mpesa_settings, daraja_server):
    import json

    invoice = an_invoice(price="1000.00")
    body = daraja_server.paybill(amount="1000", account=invoice.vehicle_registration, trans_id="RKTCLICK01")
    client.post(reverse("payments:c2b_confirmation", kwargs={"secret": mpesa_settings.MPESA_CALLBACK_SECRET}),
                data=json.dumps(body), content_type="application/json")
    row = PaybillPayment.objects.get()
    _as(client, FRONT_DESK)
    listing = client.get(reverse("admin:payments_paybillpayment_changelist")).content.decode()
    assert f"Assign to {invoice.display_number}" in listing
    url = reverse("admin:payments_paybillpayment_assign", args=[row.pk])
    assert client.post(url, {"invoice_number": str(invoice.number)}).status_code == 302
    assert client.post(url, {"invoice_number": str(invoice.number)}).status_code == 302  # pressed twice
    row.refresh_from_db()
    assert row.state == PaybillState.ASSIGNED and Payment.objects.count() == 1
    assert invoice_balance(invoice=invoice).balance == Decimal("0.00")
    assert list(client.get(reverse("admin:payments_paybillpayment_changelist")).context["cl"].result_list) == []


def test_each_role_sees_only_the_payment_buttons_it_may_press(client):
    invoice = an_invoice(price="1000.00")
    refund = reverse("admin:billing_invoice_refund", args=[invoice.pk])
    payment = reverse("admin:billing_invoice_payment", args=[invoice.pk])
    _as(client, FRONT_DESK)
    page = _page(client, invoice)
    assert payment in page and refund not in page
    client.logout()
    _as(client, MANAGER)
    page = _page(client, invoice)
    assert payment in page and refund in page

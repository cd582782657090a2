"""The portal's job page shows each invoice's paid and balance, the payments with their M-Pesa codes
(signed in only) and how to pay by Paybill; another client's job stays a 404."""

from decimal import Decimal

import pytest
from django.urls import reverse

from clients.portal.services import status_link_url
from clients.portal.tests.conftest import portal_sign_in_as
from payments.models import Method
from payments.services import payment_record

from .scenarios import an_invoice

pytestmark = pytest.mark.django_db


def test_the_owner_sees_paid_balance_receipt_and_how_to_pay_by_paybill(client, settings):
    settings.MPESA_SHORTCODE = "174379"
    invoice = an_invoice(price="1000.00")
    payment_record(invoice=invoice, amount=Decimal("300.00"), method=Method.MPESA, reference="SKL3ABCD9X")
    portal_sign_in_as(client, invoice.client)
    page = client.get(reverse("portal:service", args=[invoice.service_id])).content.decode()
    assert "KES 300.00" in page and "KES 700.00" in page and "SKL3ABCD9X" in page
    assert "174379" in page and invoice.display_number in page


def test_a_paid_invoice_asks_for_nothing_and_no_paybill_without_a_shortcode(client, settings):
    settings.MPESA_SHORTCODE = ""
    invoice = an_invoice(price="100.00")
    payment_record(invoice=invoice, amount=Decimal("100.00"), method=Method.CASH)
    portal_sign_in_as(client, invoice.client)
    page = client.get(reverse("portal:service", args=[invoice.service_id])).content.decode()
    assert 'class="balance">KES 0.00' in page and "Paybill" not in page


def test_another_clients_payments_are_not_shown(client):
    mine, theirs = an_invoice(), an_invoice()
    payment_record(invoice=theirs, amount=Decimal("100.00"), method=Method.MPESA, reference="SKLTHEIRS1")
    portal_sign_in_as(client, mine.client)
    assert client.get(reverse("portal:service", args=[theirs.service_id])).status_code == 404
    assert "SKLTHEIRS1" not in client.get(reverse("portal:service", args=[mine.service_id])).content.decode()


def test_a_status_link_shows_the_balance_but_not_the_payments(client, settings):
    settings.MPESA_SHORTCODE = "174379"
    invoice = an_invoice(price="1000.00")
    payment_record(invoice=invoice, amount=Decimal("300.00"), method=Method.MPESA, reference="SKLLINK001")
    page = client.get(status_link_url(service=invoice.service)).content.decode()
    assert "KES 700.00" in page and "SKLLINK001" not in page


def test_the_payments_section_is_in_swahili_for_a_swahili_speaker(client, settings):
    settings.MPESA_SHORTCODE = "174379"
    invoice = an_invoice(price="1000.00")
    invoice.client.preferred_language = "sw"
    invoice.client.save(update_fields=["preferred_language"])
    portal_sign_in_as(client, invoice.client)
    page = client.get(reverse("portal:service", args=[invoice.service_id]), HTTP_ACCEPT_LANGUAGE="sw").content.decode()
    assert "Salio" in page and "namba ya biashara <strong>174379</strong>" in page

"""Every issued invoice and credit note goes to KRA eTIMS through the etims outbox, queued in the
transaction that issues it (billing/etims_link.py), and KRA's figures are the invoice's to the cent."""

from decimal import Decimal

import pytest
from django.db import transaction

from billing.selectors import invoice_for_service
from billing.services import credit_note_issue
from billing.tests.scenarios import a_job_priced_in_every_tax_category, a_job_with_one_approved_line, an_invoiced_job
from etims.models import Transmission, TransmissionState
from etims.selectors import status_line_for
from etims.services import transmission_send
from servicing.services import service_complete, service_start

pytestmark = pytest.mark.django_db


def test_a_completed_job_sends_its_invoice_to_kra_with_the_invoices_own_figures(etims_settings, etims_server):
    job = a_job_priced_in_every_tax_category()
    service_start(service=job)
    service_complete(service=job)
    invoice = invoice_for_service(service=job)

    row = Transmission.objects.get(kind="invoice", number=invoice.number)
    assert row.state == TransmissionState.QUEUED and row.total_amount == invoice.total == Decimal("8840.99")
    assert transmission_send(transmission_id=row.pk).state == TransmissionState.ACCEPTED
    [sale] = etims_server.sales
    # Hand-computed in billing/tests/test_invoices.py: 16 % lines 6,049.99 with VAT 834.48, zero-rated
    # (C) 1,291.00, exempt (A) 1,500.00.
    assert (Decimal(str(sale["taxblAmtB"])), Decimal(str(sale["taxAmtB"]))) == (Decimal("6049.99"), Decimal("834.48"))
    assert Decimal(str(sale["taxblAmtC"])) == Decimal("1291.00") and Decimal(str(sale["taxblAmtA"])) == Decimal("1500.00")
    assert Decimal(str(sale["totAmt"])) == invoice.total and Decimal(str(sale["totTaxAmt"])) == invoice.tax_total
    assert status_line_for("invoice", invoice.number).startswith("KRA eTIMS receipt no. ")


def test_a_completion_rolled_back_queues_nothing_for_kra(etims_settings):
    job = a_job_with_one_approved_line()
    service_start(service=job)
    with pytest.raises(RuntimeError), transaction.atomic():
        service_complete(service=job)
        raise RuntimeError("the request failed after the invoice was issued")
    assert not Transmission.objects.exists()


def test_a_credit_note_follows_its_invoice_to_kra_naming_it(etims_settings, etims_server):
    invoice = invoice_for_service(service=an_invoiced_job())
    note = credit_note_issue(invoice=invoice, reason="Oil change done twice by mistake")

    original = Transmission.objects.get(kind="invoice", number=invoice.number)
    row = Transmission.objects.get(kind="credit_note", number=note.number)
    assert (row.original_number, row.org_invc_no) == (invoice.number, original.invc_no)
    assert row.total_amount == note.total == Decimal("1000.00")  # the whole invoice credited


def test_a_credit_note_against_an_invoice_never_sent_to_kra_sends_the_invoice_first(etims_settings):
    invoice = invoice_for_service(service=an_invoiced_job())
    Transmission.objects.filter(kind="invoice").delete()  # as if issued before eTIMS was installed

    note = credit_note_issue(invoice=invoice, reason="Oil change done twice by mistake")

    assert Transmission.objects.filter(kind="invoice", number=invoice.number).exists()
    assert Transmission.objects.get(kind="credit_note", number=note.number).original_number == invoice.number


def test_without_etims_configured_the_invoice_is_issued_and_says_it_was_not_transmitted(settings):
    settings.ETIMS_BASE_URL = ""
    invoice = invoice_for_service(service=an_invoiced_job())
    assert Transmission.objects.get(number=invoice.number).state == TransmissionState.NOT_CONFIGURED
    assert status_line_for("invoice", invoice.number) == "Not transmitted to KRA eTIMS (not configured)"

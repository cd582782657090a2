"""The printed invoice (A4 and 80 mm receipt) and its PDF, for staff who may view invoices."""

import datetime

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from billing.documents import printed_document
from billing.models import CustomerTaxPin
from billing.pdf import document_pdf
from billing.selectors import invoice_for_service
from billing.services import credit_note_issue
from billing.tests.scenarios import a_job_priced_in_every_tax_category
from concierge.accounts.roles import TECHNICIAN
from concierge.accounts.tests.factories import staff_in_role
from concierge.accounts.verified_login import login_verified
from servicing.services import service_complete, service_start

pytestmark = pytest.mark.django_db


@pytest.fixture
def invoice(settings):
    settings.SHOP_KRA_PIN = "P051234567X"
    job = a_job_priced_in_every_tax_category(scheduled_date=datetime.date(2026, 11, 5))
    CustomerTaxPin.objects.create(client=job.vehicle.client, kra_pin="A123456789Z")
    service_start(service=job)
    service_complete(service=job)
    return invoice_for_service(service=job)


def test_the_a4_page_shows_pins_day_first_date_kes_amounts_and_vat_by_category(client, superuser, invoice):
    login_verified(client, superuser)
    response = client.get(reverse("billing:invoice_print", args=[invoice.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert invoice.display_number in page and "Tax invoice" in page
    assert "P051234567X" in page and "A123456789Z" in page
    assert invoice.issue_date.strftime("%d/%m/%Y") in page
    assert "Total (KES)" in page
    assert "VAT 16%" in page and "Zero-rated (0%)" in page and "Exempt" in page
    assert f"{invoice.total:,.2f}" in page
    assert "Not transmitted to KRA eTIMS" in page
    assert 'class="layout-a4"' in page


def test_the_receipt_layout_is_the_80_mm_one(client, superuser, invoice):
    login_verified(client, superuser)
    page = client.get(reverse("billing:invoice_print", args=[invoice.pk]) + "?layout=receipt").content.decode()
    assert 'class="layout-receipt"' in page
    # An unknown layout is the A4 one, not an error.
    page = client.get(reverse("billing:invoice_print", args=[invoice.pk]) + "?layout=nonsense").content.decode()
    assert 'class="layout-a4"' in page


def test_the_pdf_downloads_as_a_named_attachment(client, superuser, invoice):
    login_verified(client, superuser)
    response = client.get(reverse("billing:invoice_pdf", args=[invoice.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{invoice.display_number}.pdf"'
    assert response.content.startswith(b"%PDF-")


def test_a_credit_note_prints_as_one_naming_the_invoice_it_credits(client, superuser, invoice):
    credit_note = credit_note_issue(invoice=invoice, reason="Wrong filter fitted")
    login_verified(client, superuser)
    page = client.get(reverse("billing:invoice_print", args=[credit_note.pk])).content.decode()
    assert "Credit note" in page and credit_note.display_number in page
    assert f"Credits invoice {invoice.display_number}" in page


def test_the_kra_block_shows_the_control_units_answer_and_its_qr_code(invoice):
    kra = {"receipt_number": "12345", "internal_data": "ABCDEF", "signature": "SIGN123",
           "sdc_datetime": "05/11/2026 10:15:00", "qr_content": "https://etims.example/verify?x=1",
           "status_line": "Transmitted to KRA eTIMS"}
    document = printed_document(invoice=invoice, kra=kra)
    page = render_to_string("billing/_document.html", {"document": document, "invoice": invoice})
    assert "12345" in page and "SIGN123" in page and "<svg" in page
    assert "Not transmitted" not in page
    assert document_pdf(document=document).startswith(b"%PDF-")


def test_staff_without_the_view_permission_get_403(client, invoice):
    technician = staff_in_role(TECHNICIAN)
    login_verified(client, technician)
    assert client.get(reverse("billing:invoice_print", args=[invoice.pk])).status_code == 403
    assert client.get(reverse("billing:invoice_pdf", args=[invoice.pk])).status_code == 403


def test_anonymous_visitors_are_sent_to_the_staff_sign_in(client, invoice):
    response = client.get(reverse("billing:invoice_pdf", args=[invoice.pk]))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]

"""The printed invoice (A4 and 80 mm receipt) and its PDF, for staff who may view invoices."""

import datetime
import re
import zlib
from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from billing.documents import printed_document
from billing.models import CustomerTaxPin, Decision, DecisionChannel, LineKind, TaxCategory
from billing.pdf import FONT, _fit, _new_pdf, document_pdf
from billing.selectors import invoice_for_service
from billing.services import credit_note_issue, estimate_line_add, estimate_line_decide
from billing.tests.scenarios import a_job_priced_in_every_tax_category
from concierge.accounts.roles import TECHNICIAN
from concierge.accounts.tests.factories import staff_in_role
from concierge.accounts.verified_login import login_verified
from servicing.services import service_complete, service_start
from servicing.tests.factories import ServiceFactory

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


def characters_in(pdf: bytes) -> set[str]:
    """The characters a PDF reader copies out of it: those of its fonts' ToUnicode maps, which fpdf2
    writes per embedded font subset, one entry per character drawn. (The core fonts have none.)"""
    found: set[str] = set()
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            data = zlib.decompress(stream)
        except zlib.error:  # written plain (fpdf2 leaves the ToUnicode maps so)
            data = stream
        for block in re.findall(rb"beginbfchar(.*?)endbfchar", data, re.S):
            for target in re.findall(rb"<[0-9A-Fa-f]+>\s*<([0-9A-Fa-f]+)>", block):
                found.update(bytes.fromhex(target.decode()).decode("utf-16-be"))
    return found


def an_invoice_for(*, first_name: str, last_name: str, description: str):
    job = ServiceFactory(vehicle__client__first_name=first_name, vehicle__client__last_name=last_name,
                         cost=Decimal("0.00"))
    line = estimate_line_add(service=job, by=None, kind=LineKind.PART, description=description,
                             quantity=Decimal("1"), unit_price=Decimal("1000.00"), discount=Decimal("0.00"),
                             tax_category=TaxCategory.VAT16)
    estimate_line_decide(line=line, decision=Decision.APPROVED, via=DecisionChannel.PHONE, by=None)
    service_start(service=job)
    service_complete(service=job)
    return invoice_for_service(service=job)


def test_the_pdf_writes_names_and_descriptions_beyond_latin_1_in_its_embedded_unicode_font(client, superuser):
    invoice = an_invoice_for(first_name="Ŵanjiru", last_name="O’Neill “Wa” Kamau",
                             description="Brake pads – front… (“genuine”)")
    login_verified(client, superuser)
    response = client.get(reverse("billing:invoice_pdf", args=[invoice.pk]))
    assert response.status_code == 200
    pdf = response.content
    assert b"+DejaVuSansCondensed\n" in pdf and b"+DejaVuSansCondensedBold\n" in pdf
    assert b"Helvetica" not in pdf
    assert set("Ŵ’“”–…") <= characters_in(pdf)


def test_characters_the_font_lacks_are_shown_as_the_replacement_character_not_dropped(client, superuser):
    invoice = an_invoice_for(first_name="Wei 王", last_name="Otieno 🚗", description="Detailing ✨👍🏽 package")
    login_verified(client, superuser)
    response = client.get(reverse("billing:invoice_pdf", args=[invoice.pk]))
    assert response.status_code == 200
    shown = characters_in(response.content)
    assert "\ufffd" in shown
    assert not {"王", "🚗", "👍", "\U0001f3fd"} & shown


def test_a_description_too_long_for_its_column_is_cut_with_an_ellipsis(client, superuser):
    # Wide capitals: the old cut at 45 characters still ran over the quantity column.
    invoice = an_invoice_for(first_name="Amina", last_name="Mwangi",
                             description="WHEEL ALIGNMENT MAXIMUM WIDTH WORDS " * 3 + "ZZZqqq")
    login_verified(client, superuser)
    shown = characters_in(client.get(reverse("billing:invoice_pdf", args=[invoice.pk])).content)
    assert "…" in shown
    assert "q" not in shown


def test_the_cut_text_fits_inside_its_cell_and_short_text_is_left_whole():
    pdf = _new_pdf()
    pdf.add_page()
    pdf.set_font(FONT, "", 9)
    cut = _fit(pdf, "Front brake pads and discs, “genuine” – Toyota Fielder 2014 " * 3, 70)
    assert cut.endswith("…") and pdf.get_string_width(cut) <= 70 - 2 * pdf.c_margin
    assert _fit(pdf, "Oil filter", 70) == "Oil filter"

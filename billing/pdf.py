"""The PDF of an invoice or credit note, written by fpdf2 (pure Python: no browser, no system
library, nothing fetched at run time). A4 only; the 80 mm receipt is the printed page's.

Prices include VAT (billing.models): each line shows its VAT-inclusive amount; the VAT-by-category
table and the totals show net and VAT.

The core PDF fonts cover Latin-1: text outside it (a name in another script) is written with '?'
for the characters they cannot show rather than failing the download.
"""

import segno
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from .documents import NOT_TRANSMITTED, PrintedDocument, day_first
from .models import TaxCategory
from .templatetags.billing import money

_TAX_LABELS = {c.value: c.label for c in TaxCategory}


def _t(text: object) -> str:
    return str(text).encode("latin-1", "replace").decode("latin-1")


def document_pdf(*, document: PrintedDocument) -> bytes:
    invoice = document.invoice
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_title(_t(f"{document.title} {invoice.display_number}"))
    pdf.set_creator(_t(invoice.shop_name))
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()

    pdf.set_font("Helvetica", "B", 16)
    pdf.cell(0, 8, _t(invoice.shop_name), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("Helvetica", "", 10)
    pdf.cell(0, 5, _t(f"KRA PIN: {invoice.shop_kra_pin or '-'}"), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(4)
    pdf.set_font("Helvetica", "B", 14)
    pdf.cell(0, 7, _t(f"{document.title} {invoice.display_number}"), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("Helvetica", "", 10)
    pdf.cell(0, 5, _t(f"Date: {day_first(invoice.issue_date)}"), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if document.credited_number:
        pdf.cell(0, 5, _t(f"Credits invoice: {document.credited_number}"), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        if invoice.reason:
            pdf.multi_cell(0, 5, _t(f"Reason: {invoice.reason}"), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(2)
    pdf.cell(0, 5, _t(f"Customer: {invoice.customer_name}"), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.cell(0, 5, _t(f"Customer KRA PIN: {invoice.customer_kra_pin or '-'}"), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if invoice.vehicle_registration:
        pdf.cell(0, 5, _t(f"Vehicle: {invoice.vehicle_registration}"), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(4)

    widths = (70, 18, 26, 22, 24, 30)
    heads = ("Description", "Qty", "Unit incl. VAT", "Discount", "VAT", "Amount incl. VAT")
    pdf.set_font("Helvetica", "B", 9)
    for width, head in zip(widths, heads, strict=True):
        pdf.cell(width, 6, head, border="B", align="L" if head == "Description" else "R")
    pdf.ln()
    pdf.set_font("Helvetica", "", 9)
    for line in document.lines:
        description = line.description + (f" ({line.part_number})" if line.part_number else "")
        cells = (description[:45], f"{line.quantity:g}", money(line.unit_price), money(line.discount),
                 f"{line.tax_rate:g}%", money(line.total_amount))
        for width, text, align in zip(widths, cells, "LRRRRR", strict=True):
            pdf.cell(width, 6, _t(text), align=align)
        pdf.ln()
    pdf.ln(3)

    pdf.set_font("Helvetica", "B", 9)
    pdf.cell(0, 6, "VAT by category", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("Helvetica", "", 9)
    for row in document.tax_breakdown:
        pdf.cell(70, 5, _t(_TAX_LABELS.get(row.tax_category, row.tax_category)))
        pdf.cell(40, 5, _t(f"taxable {money(row.net)}"), align="R")
        pdf.cell(40, 5, _t(f"VAT {money(row.tax)}"), align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(2)
    pdf.set_font("Helvetica", "B", 10)
    for label, amount in (("Net", invoice.net_total), ("VAT", invoice.tax_total), ("Total KES", invoice.total)):
        pdf.cell(150, 6, label, align="R")
        pdf.cell(40, 6, money(amount), align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(4)

    pdf.set_font("Helvetica", "", 8)
    kra = document.kra
    if not kra:
        pdf.cell(0, 5, NOT_TRANSMITTED, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    else:
        for label, key in (("KRA receipt no.", "receipt_number"), ("Internal data", "internal_data"),
                           ("Receipt signature", "signature"), ("CU date and time", "sdc_datetime"),
                           ("Status", "status_line")):
            if kra.get(key):
                pdf.cell(0, 4, _t(f"{label}: {kra[key]}"), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        if kra.get("qr_content"):
            _qr(pdf, kra["qr_content"], x=pdf.l_margin, y=pdf.get_y() + 2, size=30)
    return bytes(pdf.output())


def _qr(pdf: FPDF, content: str, *, x: float, y: float, size: float) -> None:
    """The QR code drawn as filled squares from segno's module matrix (no image codec involved)."""
    matrix = segno.make(content, error="m").matrix
    module = size / len(matrix)
    pdf.set_fill_color(0, 0, 0)
    for row_index, row in enumerate(matrix):
        for column_index, dark in enumerate(row):
            if dark:
                pdf.rect(x + column_index * module, y + row_index * module, module, module, style="F")

"""The PDF of an invoice or credit note, written by fpdf2 (pure Python: no browser, no system
library, nothing fetched at run time). A4 only; the 80 mm receipt is the printed page's.

Prices include VAT (billing.models): each line shows its VAT-inclusive amount; the VAT-by-category
table and the totals show net and VAT.

Every word is set in DejaVu Sans Condensed, kept in billing/fonts/ (Debian's fonts-dejavu-core, with its
licence) and embedded as a subset: the PDF core fonts cover Latin-1 only, and names and descriptions
carry curly quotes, dashes, "…", Ŵ and other scripts. A character the font has no glyph for (emoji,
Chinese) is printed as U+FFFD, so a reader sees something is missing rather than losing it unseen.
"""

import unicodedata
from pathlib import Path

import segno
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import TTFFont

from .documents import NOT_TRANSMITTED, PrintedDocument, day_first
from .models import TaxCategory
from .templatetags.billing import money

_TAX_LABELS = {c.value: c.label for c in TaxCategory}

FONT_DIR = Path(__file__).resolve().parent / "fonts"
FONT = "DejaVuSansCondensed"
_FONT_FILES = {"": "DejaVuSansCondensed.ttf", "B": "DejaVuSansCondensed-Bold.ttf"}
REPLACEMENT = "\ufffd"
ELLIPSIS = "…"
_INVISIBLE = ("Cc", "Cf", "Mn", "Me")
_SKIN_TONES = frozenset(map(chr, range(0x1F3FB, 0x1F400)))


def _new_pdf() -> FPDF:
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    for style, filename in _FONT_FILES.items():
        pdf.add_font(FONT, style, FONT_DIR / filename)
    return pdf


def _t(pdf: FPDF, text: object) -> str:
    """The text as the current font can draw it: composed (an accent typed apart joins its letter, there
    being no shaping); of the characters the font lacks, other spaces become plain ones, invisible ones
    (joiners, variation selectors, controls) and emoji skin tones are left out, and any other is
    replaced by U+FFFD."""
    font = pdf.current_font
    assert isinstance(font, TTFFont), "set_font(FONT, …) first: the core fonts are Latin-1 only"
    glyphs = font.cmap
    shown = []
    for char in unicodedata.normalize("NFC", str(text)):
        if ord(char) in glyphs or char == "\n":
            shown.append(char)
        elif char.isspace():
            shown.append(" ")
        elif unicodedata.category(char) not in _INVISIBLE and char not in _SKIN_TONES:
            shown.append(REPLACEMENT)
    return "".join(shown)


def _fit(pdf: FPDF, text: str, width: float) -> str:
    """The text cut to fit a cell `width` mm wide (inside its padding) in the current font, ending with
    "…" when cut: a cell does not wrap, and a long description would run over the next columns."""
    text = text.replace("\n", " ")
    room = width - 2 * pdf.c_margin
    if pdf.get_string_width(text) <= room:
        return text
    low, high = 0, len(text)  # the longest prefix that fits with the ellipsis, by halving
    while low < high:
        middle = (low + high + 1) // 2
        if pdf.get_string_width(text[:middle].rstrip() + ELLIPSIS) <= room:
            low = middle
        else:
            high = middle - 1
    return text[:low].rstrip() + ELLIPSIS


def _line(pdf: FPDF, height: float, text: object) -> None:
    """A line of the page's width, wrapped rather than run off the page (a long name, KRA's signature)."""
    pdf.multi_cell(0, height, _t(pdf, text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def document_pdf(*, document: PrintedDocument) -> bytes:
    invoice = document.invoice
    pdf = _new_pdf()
    pdf.set_title(f"{document.title} {invoice.display_number}")
    pdf.set_creator(invoice.shop_name)
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()

    pdf.set_font(FONT, "B", 16)
    _line(pdf, 8, invoice.shop_name)
    pdf.set_font(FONT, "", 10)
    _line(pdf, 5, f"KRA PIN: {invoice.shop_kra_pin or '-'}")
    pdf.ln(4)
    pdf.set_font(FONT, "B", 14)
    _line(pdf, 7, f"{document.title} {invoice.display_number}")
    pdf.set_font(FONT, "", 10)
    _line(pdf, 5, f"Date: {day_first(invoice.issue_date)}")
    if document.credited_number:
        _line(pdf, 5, f"Credits invoice: {document.credited_number}")
        if invoice.reason:
            _line(pdf, 5, f"Reason: {invoice.reason}")
    pdf.ln(2)
    _line(pdf, 5, f"Customer: {invoice.customer_name}")
    _line(pdf, 5, f"Customer KRA PIN: {invoice.customer_kra_pin or '-'}")
    if invoice.vehicle_registration:
        _line(pdf, 5, f"Vehicle: {invoice.vehicle_registration}")
    pdf.ln(4)

    widths = (70, 18, 26, 22, 24, 30)
    heads = ("Description", "Qty", "Unit incl. VAT", "Discount", "VAT", "Amount incl. VAT")
    pdf.set_font(FONT, "B", 9)
    for width, head in zip(widths, heads, strict=True):
        pdf.cell(width, 6, _fit(pdf, head, width), border="B", align="L" if head == "Description" else "R")
    pdf.ln()
    pdf.set_font(FONT, "", 9)
    for line in document.lines:
        description = line.description + (f" ({line.part_number})" if line.part_number else "")
        cells = (description, f"{line.quantity:g}", money(line.unit_price), money(line.discount),
                 f"{line.tax_rate:g}%", money(line.total_amount))
        for width, text, align in zip(widths, cells, "LRRRRR", strict=True):
            pdf.cell(width, 6, _fit(pdf, _t(pdf, text), width), align=align)
        pdf.ln()
    pdf.ln(3)

    pdf.set_font(FONT, "B", 9)
    pdf.cell(0, 6, "VAT by category", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FONT, "", 9)
    for row in document.tax_breakdown:
        pdf.cell(70, 5, _fit(pdf, _t(pdf, _TAX_LABELS.get(row.tax_category, row.tax_category)), 70))
        pdf.cell(40, 5, _t(pdf, f"taxable {money(row.net)}"), align="R")
        pdf.cell(40, 5, _t(pdf, f"VAT {money(row.tax)}"), align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(2)
    pdf.set_font(FONT, "B", 10)
    for label, amount in (("Net", invoice.net_total), ("VAT", invoice.tax_total), ("Total KES", invoice.total)):
        pdf.cell(150, 6, label, align="R")
        pdf.cell(40, 6, money(amount), align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(4)

    pdf.set_font(FONT, "", 8)
    kra = document.kra
    if not kra:
        pdf.cell(0, 5, NOT_TRANSMITTED, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    else:
        for label, key in (("KRA receipt no.", "receipt_number"), ("Internal data", "internal_data"),
                           ("Receipt signature", "signature"), ("CU date and time", "sdc_datetime"),
                           ("Status", "status_line")):
            if kra.get(key):
                _line(pdf, 4, f"{label}: {kra[key]}")
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

"""An issued invoice or credit note as it is printed, downloaded as PDF and shown in the portal: one
read (billing.selectors' sums, done by PostgreSQL) and one PDF writer, so the three never disagree.

The KRA eTIMS block reads a `kra` mapping (receipt number, internal data, signature, control-unit
date and time, QR content, status line) from the document's transmission in the etims app
(kra_fields_for); a document never handed to eTIMS says it was not transmitted.
"""

import dataclasses
from collections.abc import Mapping
from typing import Any

import segno
from etims.models import TransmissionState
from etims.selectors import control_unit_time, transmission_for
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from .models import DocumentKind, Invoice, InvoiceLine
from .selectors import TaxBreakdown, invoice_tax_breakdown

# What the eTIMS wiring puts in `kra` (all strings; any may be missing).
KRA_FIELDS = ("receipt_number", "internal_data", "signature", "sdc_datetime", "qr_content", "status_line")
NOT_TRANSMITTED = "Not transmitted to KRA eTIMS"


@dataclasses.dataclass(frozen=True)
class PrintedDocument:
    invoice: Invoice
    lines: list[InvoiceLine]
    tax_breakdown: list[TaxBreakdown]
    kra: Mapping[str, str] | None
    credited_number: str

    @property
    def title(self) -> str:
        return "Credit note" if self.invoice.kind == DocumentKind.CREDIT_NOTE else "Tax invoice"


def kra_fields_for(*, invoice: Invoice) -> Mapping[str, str] | None:
    """What KRA eTIMS answered for this document (etims app), to print in the reader's language: the
    status always, and the control unit's receipt number, internal data, signature, time and QR code
    once KRA accepted it. None when it was never handed to eTIMS (the page says not transmitted)."""
    row = transmission_for(kind=invoice.kind, number=invoice.number)
    if row is None:
        return None
    if row.state == TransmissionState.NOT_CONFIGURED:
        return {"status_line": gettext("Not transmitted to KRA eTIMS (not configured)")}
    if row.state != TransmissionState.ACCEPTED:  # queued, sending, uncertain or refused: not confirmed
        return {"status_line": gettext("Awaiting KRA")}
    moment = control_unit_time(row)
    when = f"{moment:%d/%m/%Y %H:%M:%S}" if moment else row.sdc_date_time
    number = f"{row.cur_rcpt_no}/{row.tot_rcpt_no}" if row.tot_rcpt_no else row.cur_rcpt_no
    return {
        "status_line": gettext("Accepted by KRA eTIMS"), "receipt_number": number,
        "internal_data": row.intrl_data, "signature": row.rcpt_sign, "sdc_datetime": when, "qr_content": row.qr_url,
    }


def document_lines(*, invoice: Invoice) -> "QuerySet[InvoiceLine]":
    return InvoiceLine.objects.filter(invoice=invoice).order_by("position", "created_at")


def printed_document(*, invoice: Invoice, kra: Mapping[str, str] | None = None) -> PrintedDocument:
    """Everything the printed page and the PDF show, in three queries (document, lines, VAT by category)."""
    credited = invoice.credited_invoice.display_number if invoice.credited_invoice is not None else ""
    return PrintedDocument(
        invoice=invoice, lines=list(document_lines(invoice=invoice)),
        tax_breakdown=invoice_tax_breakdown(invoice=invoice),
        kra=kra if kra is not None else kra_fields_for(invoice=invoice), credited_number=credited,
    )


def document_queryset() -> "QuerySet[Invoice]":
    return Invoice.objects.select_related("credited_invoice")


def qr_svg(content: str) -> str:
    """The KRA QR code as inline SVG (segno: pure Python, drawn on the server, no script)."""
    return segno.make(content, error="m").svg_inline(scale=3, border=2)


def filename_for(*, invoice: Invoice) -> str:
    return f"{invoice.display_number}.pdf"


def day_first(value: Any) -> str:
    """05/11/2026: Kenyan invoices write the day first."""
    if hasattr(value, "hour"):
        value = timezone.localtime(value)
        return value.strftime("%d/%m/%Y %H:%M")
    return value.strftime("%d/%m/%Y")

"""The one place billing meets eTIMS (issue 16 item 4).

The `etims` app knows no billing model: it takes a SaleDocument (its dataclass) and queues its
transmission in the caller's transaction (etims.services.queue_transmission). Billing's services send
invoice_issued / credit_note_issued inside the issuing transaction; the receivers below hand the
document over there, so a rollback of the invoice takes its queued transmission with it.

Lines carry the same VAT-inclusive prices and discounts KRA's OSCU works in, and the same rounding
(billing.models.PricedLine), so KRA's totals are the invoice's. Inert while the etims app is not
installed (this branch was built beside it; the lead merges the two): nothing is queued, and the
product works without eTIMS.
"""

from typing import Any

from django.apps import apps

from .models import Invoice, TaxCategory

# KRA eTIMS tax types: A exempt, B 16 %, C zero-rated (0 %), D non-VAT, E 8 %.
ETIMS_TAX_TYPES = {TaxCategory.EXEMPT: "A", TaxCategory.VAT16: "B", TaxCategory.ZERO_RATED: "C"}
# KRA's credit note reason code for a refund (rfdRsnCd 06): the reason's text is printed, not sent.
CREDIT_NOTE_REFUND = "06"


def sale_document_for(invoice: Invoice) -> Any:
    """The invoice (or credit note) as the etims app's SaleDocument."""
    from etims.documents import SaleDocument, SaleLine

    lines = [
        SaleLine(
            item_code=line.part_number or f"{line.kind.upper()}-{line.position}", name=line.description,
            quantity=line.quantity, unit_price=line.unit_price, tax_type=ETIMS_TAX_TYPES[TaxCategory(line.tax_category)],
            discount=line.discount,
        )
        for line in invoice.lines.order_by("position", "created_at")
    ]
    credit_note = invoice.credited_invoice_id is not None
    return SaleDocument(
        kind=invoice.kind, number=invoice.number, issued_at=invoice.created_at, lines=lines,
        customer_name=invoice.customer_name, customer_tin=invoice.customer_kra_pin,
        original_number=invoice.credited_invoice.number if credit_note and invoice.credited_invoice else None,
        credit_note_reason=CREDIT_NOTE_REFUND if credit_note else None,
    )


def _queue(invoice: Invoice) -> None:
    if not apps.is_installed("etims"):
        return
    from etims.services import queue_transmission

    invoice.refresh_from_db(fields=["created_at"])  # the database's issue time, as KRA gets it
    queue_transmission(sale_document_for(invoice))


def _on_invoice_issued(sender: Any, *, invoice: Invoice, **kwargs: Any) -> None:
    _queue(invoice)


def _on_credit_note_issued(sender: Any, *, credit_note: Invoice, **kwargs: Any) -> None:
    _queue(credit_note)


def connect() -> None:
    from . import signals

    signals.invoice_issued.connect(_on_invoice_issued, sender=Invoice, dispatch_uid="billing.etims_invoice_issued")
    signals.credit_note_issued.connect(
        _on_credit_note_issued, sender=Invoice, dispatch_uid="billing.etims_credit_note_issued",
    )

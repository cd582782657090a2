"""The one place billing meets eTIMS (issue 16 item 4), wired by the lead at merge.

The `etims` app knows no billing model: it takes a SaleDocument (its dataclass) and queues its
transmission in the caller's transaction (etims.services.queue_transmission). Billing's services send
invoice_issued / credit_note_issued inside the issuing transaction; the receivers below are where
the document is handed over, so a rollback of the invoice takes its queued transmission with it.

To wire it: build the SaleDocument in sale_document_for() from the invoice (number: display_number;
kind: invoice / credit note; original number: credited_invoice's; issue_date; customer_kra_pin /
customer_name; lines with their tax category mapped by ETIMS_TAX_TYPES; totals from the invoice and
billing.selectors.invoice_tax_breakdown) and call `queue_transmission(sale_document_for(invoice))`
in _queue().
"""

from typing import Any

from .models import Invoice, TaxCategory

# KRA eTIMS tax types: A exempt, B 16 %, C zero-rated (0 %), D non-VAT, E 8 %.
ETIMS_TAX_TYPES = {TaxCategory.EXEMPT: "A", TaxCategory.VAT16: "B", TaxCategory.ZERO_RATED: "C"}


def sale_document_for(invoice: Invoice) -> Any:
    """The invoice (or credit note) as the etims app's SaleDocument. Not built on this branch: the
    etims app lands separately; see the module docstring."""
    raise NotImplementedError("wired at merge with the etims app (billing/etims_link.py)")


def _queue(invoice: Invoice) -> None:
    """Hand the document to eTIMS, in the issuing transaction. Until the etims app is merged, nothing
    is transmitted (the product works without eTIMS, docs/billing.md)."""


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

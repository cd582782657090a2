"""Named invoices the payments tests start from, issued through billing's services as in the shop."""

from billing.models import DocumentKind, Invoice
from billing.tests.scenarios import an_invoiced_job


def an_invoice(price: str = "1000.00", **job_fields) -> Invoice:
    """The tax invoice of a completed job with one approved line at `price` (VAT included)."""
    job = an_invoiced_job(price=price, **job_fields)
    return Invoice.objects.get(service=job, kind=DocumentKind.INVOICE)

"""Issuing invoices and credit notes (docs/billing.md, "Numbering", "Immutability", "Credit notes").

A document is issued in one transaction: its number taken from the series' counter row (locked until
commit), the document and its lines inserted, its totals summed by PostgreSQL from those lines and
written, and its signal sent. A rollback anywhere undoes all of it, the counter included: numbers
have no gaps and are never reused. Once that transaction commits the database refuses any change.
"""

from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from concierge.accounts.models import User
from servicing.lifecycle import InvalidTransition
from servicing.models import Service
from servicing.services import service_update

from .. import signals
from ..models import PRICED_FIELDS, CustomerTaxPin, Decision, DocumentKind, EstimateLine, Invoice, InvoiceLine
from ..selectors import invoice_credited_quantities, lines_totals
from .errors import BillingRefused
from .estimates import MAX_JOB_TOTAL, declined_work_recovered_by

CENT = Decimal("0.01")


def document_number_take(*, kind: str) -> int:
    """The next number of a series, for a document inserted in the caller's transaction.

    The UPDATE locks the counter row until that transaction ends (as SELECT ... FOR UPDATE would): a
    second issuer waits, then reads the committed value; if the first rolled back, it gets the same
    number, so none is skipped. The row is created on first use (a fresh or flushed database).
    """
    if not connection.in_atomic_block:
        raise RuntimeError("document numbers are taken inside the transaction that inserts the document")
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO billing_document_counters (series, last_number) VALUES (%s, 0) ON CONFLICT (series) DO NOTHING",
            [kind],
        )
        cursor.execute(
            "UPDATE billing_document_counters SET last_number = last_number + 1 WHERE series = %s RETURNING last_number",
            [kind],
        )
        return int(cursor.fetchone()[0])


def _totals_write(document: Invoice) -> None:
    totals = lines_totals(lines=InvoiceLine.objects.filter(invoice=document))
    document.net_total, document.tax_total, document.total = totals.net, totals.tax, totals.total
    # Allowed by the immutability trigger only in the transaction that inserted the document.
    document.save(update_fields=["net_total", "tax_total", "total"])


def _insert(document: Invoice, lines: list[InvoiceLine]) -> Invoice:
    document.number = document_number_take(kind=document.kind)
    document.net_total = document.tax_total = document.total = Decimal("0.00")
    document.shop_name, document.shop_kra_pin = settings.SHOP_NAME, settings.SHOP_KRA_PIN
    document.save(force_insert=True)
    for line in lines:
        line.invoice = document
    InvoiceLine.objects.bulk_create(lines)
    _totals_write(document)
    return document


@transaction.atomic
def invoice_issue(*, service: Service, by: User | None = None) -> Invoice | None:
    """Issue the invoice of a job being completed, from its approved estimate lines, and make the
    job's cost its total, in the caller's transaction (servicing's completion, through the receiver
    in billing.signals). A job with no approved line (priced by its cost alone, as before estimates)
    gets no invoice and keeps its cost. A job already invoiced is not invoiced again.
    """
    job = Service.objects.select_for_update().select_related("vehicle__client").get(pk=service.pk)
    if Invoice.objects.filter(service=job, kind=DocumentKind.INVOICE).exists():
        return None
    approved = list(
        EstimateLine.objects.filter(service=job, decision=Decision.APPROVED).order_by("position", "created_at")
    )
    if not approved:
        return None
    client = job.vehicle.client
    pin = CustomerTaxPin.objects.filter(client=client).first()
    invoice = _insert(
        Invoice(
            kind=DocumentKind.INVOICE, service=job, client=client,
            issue_date=job.completed_date or timezone.localdate(), issued_by=by if by is not None and by.pk else None,
            customer_name=client.full_name, customer_kra_pin=pin.kra_pin if pin else "",
            vehicle_registration=job.vehicle.license_plate or "",
        ),
        [InvoiceLine(estimate_line=line, **{name: getattr(line, name) for name in PRICED_FIELDS}) for line in approved],
    )
    if invoice.total > MAX_JOB_TOTAL:  # raised inside the completion: it rolls back, invoice and number too
        raise InvalidTransition(
            f"The approved lines come to KES {invoice.total:,}, more than a job's cost can hold ({MAX_JOB_TOTAL:,})."
        )
    service.cost = invoice.total
    service_update(service=service, fields=["cost"])
    # Work the owner declined on an earlier visit and had done now leaves the call list and counts as
    # recovered, in the invoice's transaction (the reports read recovered_in).
    declined_work_recovered_by(service=job, lines=approved, by=by)
    signals.invoice_issued.send(sender=Invoice, invoice=invoice, by=by)
    return invoice


@transaction.atomic
def credit_note_issue(
    *, invoice: Invoice, reason: str, by: User | None = None,
    quantities: Mapping[str, Decimal] | None = None,
) -> Invoice:
    """Issue a credit note against an invoice: for every line still uncredited (quantities None), or
    for `quantities` {invoice line id: quantity to credit}. A partly credited line's discount is
    credited in proportion (rounded to the cent, half up); its last credit takes what is left, so a
    line credited in full nets to zero. Credit notes against one invoice are serialised by a lock on it.

    Raises ValidationError (reason, quantities) or BillingRefused (nothing left to credit). The
    invoice itself, and the job's cost (its invoiced total), are unchanged: the credit note is the
    correction, and reports subtract it.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why the invoice is credited: it is printed on the credit note."})
    original = Invoice.objects.select_for_update().get(pk=invoice.pk)
    if original.kind != DocumentKind.INVOICE:
        raise BillingRefused("A credit note is issued against an invoice, not another credit note.")
    credited = invoice_credited_quantities(invoice=original)
    lines = list(InvoiceLine.objects.filter(invoice=original).order_by("position", "created_at"))
    known = {str(line.pk) for line in lines}
    if quantities is not None and set(map(str, quantities)) - known:
        raise ValidationError({"quantities": "A line to credit is not on this invoice."})
    new_lines: list[InvoiceLine] = []
    for line in lines:
        done_quantity, done_discount = credited.get(str(line.pk), (Decimal("0"), Decimal("0")))
        remaining = line.quantity - done_quantity
        quantity = remaining if quantities is None else Decimal(quantities.get(str(line.pk), 0))
        if quantity == 0:
            continue
        if quantity < 0 or quantity > remaining:
            raise ValidationError({"quantities": f"“{line.description}”: between 0 and {remaining} left to credit."})
        gross = (quantity * line.unit_price).quantize(CENT, ROUND_HALF_UP)
        if quantity == remaining:
            discount = line.discount - done_discount
        else:
            discount = (line.discount * quantity / line.quantity).quantize(CENT, ROUND_HALF_UP)
        values = {name: getattr(line, name) for name in PRICED_FIELDS}
        values.update(quantity=quantity, discount=min(max(discount, Decimal("0.00")), gross))
        new_lines.append(InvoiceLine(credited_line=line, **values))
    if not new_lines:
        raise BillingRefused(f"{original.display_number} has nothing left to credit.")
    credit_note = _insert(
        Invoice(
            kind=DocumentKind.CREDIT_NOTE, credited_invoice=original, service_id=original.service_id,
            client_id=original.client_id, issue_date=timezone.localdate(),
            issued_by=by if by is not None and by.pk else None, reason=reason,
            customer_name=original.customer_name, customer_kra_pin=original.customer_kra_pin,
            vehicle_registration=original.vehicle_registration,
        ),
        new_lines,
    )
    signals.credit_note_issued.send(sender=Invoice, credit_note=credit_note, invoice=original, by=by)
    return credit_note

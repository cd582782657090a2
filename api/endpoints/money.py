"""Estimates, invoices and the payments ledger: read-only (they change through the staff pages)."""

import datetime
import uuid

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router

from billing.models import EstimateLine, Invoice
from payments.models import EntryKind, Method, Payment

from ..auth import require
from ..filters import since, text
from ..pagination import paginate
from ..schemas import EstimateLineOut, InvoiceOut, Page, PaymentOut
from .common import ERRORS, LIMIT

router = Router()


@router.get("/estimates", response={200: Page[EstimateLineOut], **ERRORS}, tags=["estimates"])
def list_estimate_lines(
    request: HttpRequest, service: uuid.UUID | None = None, updated_since: datetime.datetime | None = None,
    cursor: str | None = None, limit: int = LIMIT,
):
    """Estimate lines (a job's estimate is its lines: filter by `service`), with the owner's decision."""
    require(request, "estimates:read")
    queryset = since(EstimateLine.objects.all(), "updated_at", updated_since, "updated_since")
    if service is not None:
        queryset = queryset.filter(service_id=service)
    rows, next_cursor = paginate(queryset, cursor=text(cursor, "cursor"), limit=limit)
    return {"results": [EstimateLineOut.model_validate(r, from_attributes=True) for r in rows], "next_cursor": next_cursor}


@router.get("/estimates/{line_id}", response={200: EstimateLineOut, **ERRORS}, tags=["estimates"])
def get_estimate_line(request: HttpRequest, line_id: uuid.UUID):
    require(request, "estimates:read")
    return EstimateLineOut.model_validate(get_object_or_404(EstimateLine, pk=line_id), from_attributes=True)


def invoice_out(invoice: Invoice) -> InvoiceOut:
    return InvoiceOut.model_validate(
        {**{f: getattr(invoice, f) for f in InvoiceOut.model_fields if f != "lines"},
         "lines": list(invoice.lines.all())},
        from_attributes=True,
    )


@router.get("/invoices", response={200: Page[InvoiceOut], **ERRORS}, tags=["invoices"])
def list_invoices(
    request: HttpRequest, client: uuid.UUID | None = None, service: uuid.UUID | None = None,
    issued_from: datetime.date | None = None, issued_to: datetime.date | None = None,
    updated_since: datetime.datetime | None = None, cursor: str | None = None, limit: int = LIMIT,
):
    """Invoices and credit notes (kind), with their lines."""
    require(request, "invoices:read")
    queryset = since(Invoice.objects.prefetch_related("lines"), "updated_at", updated_since, "updated_since")
    if client is not None:
        queryset = queryset.filter(client_id=client)
    if service is not None:
        queryset = queryset.filter(service_id=service)
    if issued_from is not None:
        queryset = queryset.filter(issue_date__gte=issued_from)
    if issued_to is not None:
        queryset = queryset.filter(issue_date__lte=issued_to)
    rows, next_cursor = paginate(queryset, cursor=text(cursor, "cursor"), limit=limit)
    return {"results": [invoice_out(i) for i in rows], "next_cursor": next_cursor}


@router.get("/invoices/{invoice_id}", response={200: InvoiceOut, **ERRORS}, tags=["invoices"])
def get_invoice(request: HttpRequest, invoice_id: uuid.UUID):
    require(request, "invoices:read")
    return invoice_out(get_object_or_404(Invoice.objects.prefetch_related("lines"), pk=invoice_id))


@router.get("/payments", response={200: Page[PaymentOut], **ERRORS}, tags=["payments"])
def list_payments(
    request: HttpRequest, invoice: uuid.UUID | None = None, client: uuid.UUID | None = None,
    kind: EntryKind | None = None, method: Method | None = None, created_since: datetime.datetime | None = None,
    cursor: str | None = None, limit: int = LIMIT,
):
    """The payments ledger: payments and refunds (kind), append-only."""
    require(request, "payments:read")
    queryset = since(Payment.objects.all(), "created_at", created_since, "created_since")
    for field, value in (("invoice_id", invoice), ("client_id", client), ("kind", kind), ("method", method)):
        if value is not None:
            queryset = queryset.filter(**{field: value})
    rows, next_cursor = paginate(queryset, cursor=text(cursor, "cursor"), limit=limit)
    return {"results": [PaymentOut.model_validate(p, from_attributes=True) for p in rows], "next_cursor": next_cursor}


@router.get("/payments/{payment_id}", response={200: PaymentOut, **ERRORS}, tags=["payments"])
def get_payment(request: HttpRequest, payment_id: uuid.UUID):
    require(request, "payments:read")
    return PaymentOut.model_validate(get_object_or_404(Payment, pk=payment_id), from_attributes=True)

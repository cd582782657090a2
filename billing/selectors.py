"""Reads of estimates and invoices. Every total is a SUM over the lines' generated columns, computed by
PostgreSQL in NUMERIC (billing.models.PricedLine): the one place money is added up. Nothing here adds
amounts in Python."""

import dataclasses
import datetime
from decimal import Decimal

from django.db.models import Count, DecimalField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from servicing.models import Service

from .models import Decision, DocumentKind, EstimateLine, Invoice, InvoiceLine, TaxCategory

ZERO = Decimal("0.00")


@dataclasses.dataclass(frozen=True)
class Totals:
    net: Decimal
    tax: Decimal
    total: Decimal


def _sum(column: str, condition: Q | None = None) -> Coalesce:
    return Coalesce(
        Sum(column, filter=condition), Value(ZERO),
        output_field=DecimalField(max_digits=14, decimal_places=2),
    )


def lines_totals(*, lines: "QuerySet[EstimateLine] | QuerySet[InvoiceLine]") -> Totals:
    """Net, VAT and total of some lines, summed by the database."""
    row = lines.aggregate(net=_sum("net_amount"), tax=_sum("tax_amount"), total=_sum("total_amount"))
    return Totals(row["net"], row["tax"], row["total"])


@dataclasses.dataclass(frozen=True)
class EstimateSummary:
    """A job's estimate as the owner is asked about it: every line, and the part they approved,
    declined and have not answered yet."""

    all: Totals
    approved: Totals
    declined: Totals
    pending: Totals
    line_count: int
    approved_count: int


def estimate_summary(*, service: Service) -> EstimateSummary:
    """One query: each total by decision, by conditional aggregation."""
    aggregates: dict = {"line_count": Count("id"), "approved_count": Count("id", filter=Q(decision=Decision.APPROVED))}
    groups = {"all": None, **{d.value: Q(decision=d) for d in Decision}}
    for group, condition in groups.items():
        for column in ("net", "tax", "total"):
            aggregates[f"{group}_{column}"] = _sum(f"{column}_amount", condition)
    row = EstimateLine.objects.filter(service=service).aggregate(**aggregates)

    def totals(group: str) -> Totals:
        return Totals(row[f"{group}_net"], row[f"{group}_tax"], row[f"{group}_total"])

    return EstimateSummary(
        all=totals("all"), approved=totals(Decision.APPROVED), declined=totals(Decision.DECLINED),
        pending=totals(Decision.PENDING), line_count=row["line_count"], approved_count=row["approved_count"],
    )


def estimate_lines(*, service: Service) -> "QuerySet[EstimateLine]":
    return EstimateLine.objects.filter(service=service).select_related("decided_by").order_by("position", "created_at")


def estimate_start_refusal(*, service: Service) -> str | None:
    """Why work may not start on this job yet, or None. A job with estimate lines starts only once the
    owner approved at least one; a job with none (priced the old way, by its cost) starts as before."""
    counts = EstimateLine.objects.filter(service=service).aggregate(
        lines=Count("id"), approved=Count("id", filter=Q(decision=Decision.APPROVED)),
    )
    if counts["lines"] and not counts["approved"]:
        return "Work starts only on approved lines: record the owner's approval of at least one estimate line first."
    return None


@dataclasses.dataclass(frozen=True)
class TaxBreakdown:
    tax_category: str
    tax_rate: Decimal
    net: Decimal
    tax: Decimal


def invoice_tax_breakdown(*, invoice: Invoice) -> list[TaxBreakdown]:
    """Net and VAT by category and rate, as a tax invoice shows them (and eTIMS's taxblAmt / taxAmt)."""
    rows = (
        InvoiceLine.objects.filter(invoice=invoice).values("tax_category", "tax_rate")
        .annotate(net=_sum("net_amount"), tax=_sum("tax_amount")).order_by("tax_category", "tax_rate")
    )
    order = {c.value: i for i, c in enumerate(TaxCategory)}
    return sorted(
        (TaxBreakdown(r["tax_category"], r["tax_rate"], r["net"], r["tax"]) for r in rows),
        key=lambda b: order[b.tax_category],
    )


def invoice_for_service(*, service: Service) -> Invoice | None:
    return Invoice.objects.filter(service=service, kind=DocumentKind.INVOICE).first()


def invoice_credited_quantities(*, invoice: Invoice) -> dict[str, tuple[Decimal, Decimal]]:
    """For each line of an invoice: (quantity, discount) already credited by its credit notes."""
    rows = (
        InvoiceLine.objects.filter(credited_line__invoice=invoice).values("credited_line")
        .annotate(quantity=Sum("quantity"), discount=Sum("discount"))
    )
    return {str(r["credited_line"]): (r["quantity"], r["discount"]) for r in rows}


def invoice_credited_total(*, invoice: Invoice) -> Totals:
    return lines_totals(lines=InvoiceLine.objects.filter(invoice__credited_invoice=invoice))


def declined_work_due(*, today: datetime.date) -> "QuerySet[EstimateLine]":
    """Declined lines whose follow-up date has come and that no later job has done yet."""
    return EstimateLine.objects.filter(
        decision=Decision.DECLINED, recovered_in__isnull=True, follow_up_date__lte=today,
    )


def declined_work_on_car(*, service: Service) -> "QuerySet[EstimateLine]":
    """The car's declined work from its other jobs that no job has done yet, oldest answer first, with
    the job it was declined on: what the front desk offers again when the car is back."""
    return (
        EstimateLine.objects.filter(
            service__vehicle_id=service.vehicle_id, decision=Decision.DECLINED, recovered_in__isnull=True,
        ).exclude(service=service).select_related("service").order_by("decided_at", "pk")
    )

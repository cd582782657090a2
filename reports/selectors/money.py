"""The money side of a job in the reports (docs/reports.md, "Money"): invoiced revenue, gross profit on
parts, how often owners approve estimates, declined work and how much of it came back, and the
declined-work call list.

Invoiced revenue is what the issued invoices charged before VAT, less what credit notes took back,
by issue date. Every sum is PostgreSQL's, over the NUMERIC columns billing stores (invoice totals,
the lines' generated amounts); Python only divides totals and adds days into months. The documents'
and their part lines' sums per issue date are kept by the database in report_invoice_days
(reports.models.InvoiceDays, docs/reports.md "Invoice days"), so a period costs a row per day
rather than a read of its invoices and a join to their lines.
"""

import datetime
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import Count, DecimalField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from billing.models import Decision, EstimateLine
from reports.models import InvoiceDays
from reports.routers import reads_reports

from ..periods import Period, add_months, month_start
from .figures import ratio

ZERO = Decimal("0.00")
_MONEY = DecimalField(max_digits=16, decimal_places=2)


def _sum(expression: Any, condition: Q | None = None) -> Coalesce:
    return Coalesce(Sum(expression, filter=condition), Value(ZERO), output_field=_MONEY)


@reads_reports
def invoiced_by_month(*, start: datetime.date, end: datetime.date) -> list[dict[str, Any]]:
    """Per calendar month from `start` to `end`: invoiced (net), credited (net), invoiced revenue,
    VAT charged (net of credit notes), invoices issued and the average repair order from them.
    The days of report_invoice_days added into months here (as revenue_by_month does)."""
    days = InvoiceDays.objects.filter(issue_date__range=(start, end)).values(
        "issue_date", "invoiced", "credited", "vat", "invoices",
    )
    by_month: defaultdict[datetime.date, dict[str, Any]] = defaultdict(
        lambda: {"invoiced": ZERO, "credited": ZERO, "vat": ZERO, "invoices": 0},
    )
    for day in days:  # at most one row per day of the range
        totals = by_month[month_start(day["issue_date"])]
        for key in ("invoiced", "credited", "vat", "invoices"):
            totals[key] += day[key]
    months: list[dict[str, Any]] = []
    month = month_start(start)
    while month <= end:
        row: dict[str, Any] = by_month[month] if month in by_month else {
            "invoiced": ZERO, "credited": ZERO, "vat": ZERO, "invoices": 0,
        }
        revenue = row["invoiced"] - row["credited"]
        months.append({
            "month": month, **row, "revenue": revenue,
            "average_repair_order": ratio(revenue, row["invoices"]),
        })
        month = add_months(month, 1)
    return months


@reads_reports
def money_figures(*, period: Period) -> dict[str, Any]:
    """The period's money figures, in two queries: the period's days of report_invoice_days (documents
    and their part lines), and the estimate lines answered in it.

    - revenue: invoices' net less credit notes' net issued in the period; average repair order:
      revenue / invoices issued.
    - gross profit: revenue less the cost of the parts sold (quantity x unit_cost on part lines, credit
      notes' lines subtracted); labour has no recorded cost. Parts sold without a cost are counted at
      no cost and their value shown (uncosted_parts), so the figure is read with it.
    - approval rate: of the estimate lines the owner answered in the period (decided_at), the share
      approved, by count and by value (VAT included, as the owner was asked).
    - declined work: the value of the lines declined in the period; recovered: of those, the value
      later done on another job (recovered_in); recovery rate: recovered / declined.
    """
    days = InvoiceDays.objects.filter(issue_date__range=(period.start, period.end)).aggregate(
        invoiced=_sum("invoiced"), credited=_sum("credited"), vat=_sum("vat"),
        invoices=Coalesce(Sum("invoices"), 0),
        parts_revenue=_sum("parts_revenue"), parts_cost=_sum("parts_cost"), uncosted_parts=_sum("uncosted_parts"),
    )
    documents = {key: days[key] for key in ("invoiced", "credited", "vat", "invoices")}
    parts = {key: days[key] for key in ("parts_revenue", "parts_cost", "uncosted_parts")}
    approved, declined = Q(decision=Decision.APPROVED), Q(decision=Decision.DECLINED)
    answers = EstimateLine.objects.filter(
        ~Q(decision=Decision.PENDING), decided_at__gte=period.start_at, decided_at__lt=period.end_before,
    ).aggregate(
        approved_lines=Count("id", filter=approved), declined_lines=Count("id", filter=declined),
        approved_value=_sum("total_amount", approved), declined_value=_sum("total_amount", declined),
        recovered_value=_sum("total_amount", declined & Q(recovered_in__isnull=False)),
        recovered_lines=Count("id", filter=declined & Q(recovered_in__isnull=False)),
    )
    revenue = documents["invoiced"] - documents["credited"]
    answered_lines = answers["approved_lines"] + answers["declined_lines"]
    answered_value = answers["approved_value"] + answers["declined_value"]
    gross_profit = revenue - parts["parts_cost"]
    return {
        **documents, **parts, **answers, "revenue": revenue,
        "average_repair_order": ratio(revenue, documents["invoices"]),
        "gross_profit": gross_profit, "gross_margin": ratio(gross_profit, revenue),
        "parts_gross_profit": parts["parts_revenue"] - parts["parts_cost"],
        "approval_rate": ratio(answers["approved_lines"], answered_lines),
        "approval_rate_by_value": ratio(answers["approved_value"], answered_value),
        "recovery_rate": ratio(answers["recovered_value"], answers["declined_value"]),
    }


@reads_reports
def declined_work_call_list(*, today: datetime.date) -> "QuerySet[EstimateLine]":
    """Declined work due for a call: its follow-up date has come and no later job has done it, oldest
    follow-up first; with the job, car and owner in the same query (the phone is decrypted per row by
    its field). Served by billing_est_declined_due_idx."""
    return (
        EstimateLine.objects.filter(decision=Decision.DECLINED, recovered_in__isnull=True, follow_up_date__lte=today)
        .select_related("service__vehicle__client")
        .order_by("follow_up_date", "service__vehicle__license_plate", "position", "pk")
    )

"""report_invoice_days stays equal to what the invoices and their lines say, after every kind of
write the product (or the generator, in SQL) makes: the triggers of reports/migrations/0005 add each
statement's rows to their issue dates, in the same transaction. Each test compares every day's row
with a recount done here in Python, by the money page's definitions (reports.selectors.money)."""

import datetime
from collections import defaultdict
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from billing.models import DecisionChannel, DocumentKind, Invoice, InvoiceLine, LineKind
from billing.services import credit_note_issue, estimate_line_add, estimate_line_decide
from reports.models import InvoiceDays
from reports.periods import Period
from reports.selectors import invoiced_by_month, money_figures
from servicing.models import ServiceStatus
from servicing.services import service_complete, service_start
from servicing.tests.factories import ServiceFactory

from .builders import day

pytestmark = pytest.mark.django_db
D = Decimal
FIGURES = ("invoices", "invoiced", "credited", "vat", "parts_revenue", "parts_cost", "uncosted_parts")


def _by_definition():
    """{issue date: figures} from every document and part line, in Python."""
    days: defaultdict[datetime.date, dict] = defaultdict(lambda: dict.fromkeys(FIGURES, D(0)))
    for invoice in Invoice.objects.all():
        row, credit = days[invoice.issue_date], invoice.kind == DocumentKind.CREDIT_NOTE
        row["invoices"] += 0 if credit else 1
        row["credited" if credit else "invoiced"] += invoice.net_total
        row["vat"] += -invoice.tax_total if credit else invoice.tax_total
    for line in InvoiceLine.objects.filter(kind=LineKind.PART).select_related("invoice"):
        row = days[line.invoice.issue_date]
        sign = -1 if line.invoice.kind == DocumentKind.CREDIT_NOTE else 1
        row["parts_revenue"] += sign * line.net_amount
        if line.unit_cost is None:
            row["uncosted_parts"] += sign * line.net_amount
        else:
            row["parts_cost"] += sign * line.quantity * line.unit_cost
    return {issued: figures for issued, figures in days.items() if any(figures.values())}


def _kept():
    rows = {row.issue_date: {name: getattr(row, name) for name in FIGURES} for row in InvoiceDays.objects.all()}
    return {issued: figures for issued, figures in rows.items() if any(figures.values())}


def _invoiced_job(on, lines):
    """A job completed (and so invoiced) on `on`, from approved lines (kind, price, cost or None)."""
    job = ServiceFactory(scheduled_date=on)
    for kind, price, cost in lines:
        line = estimate_line_add(service=job, kind=kind, description=f"{kind} {price}", quantity=D("2"),
                                 unit_price=D(price), unit_cost=None if cost is None else D(cost))
        estimate_line_decide(line=line, decision="approved", via=DecisionChannel.PHONE, by=None)
    service_start(service=job)
    assert service_complete(service=job, completed_date=on)
    return job.invoices.get()


def test_invoices_credit_notes_and_their_part_lines_are_added_to_their_days():
    first = _invoiced_job(day(3, 2), [(LineKind.PART, "2500.00", "1800.00"), (LineKind.LABOUR, "1500.00", None)])
    _invoiced_job(day(3, 2), [(LineKind.PART, "999.99", None)])  # a part sold without a recorded cost
    _invoiced_job(day(3, 9), [(LineKind.LABOUR, "3000.00", None)])  # no part at all
    part = first.lines.get(kind=LineKind.PART)
    credit_note_issue(invoice=first, reason="One pad back", quantities={str(part.pk): D("1")})  # issued today
    credit_note_issue(invoice=first, reason="The rest")
    kept = _kept()
    assert kept == _by_definition()
    # Written out by hand for 2 March: 2 x 2 500 = 5 000 (VAT 689.66) and 2 x 999.99 = 1 999.98 (VAT
    # 275.86) of parts, 2 x 1 500 = 3 000 (VAT 413.79) of labour; 2 x 1 800 of known cost.
    assert kept[day(3, 2)] == {
        "invoices": 2, "invoiced": D("8620.67"), "credited": D("0"), "vat": D("1379.31"),
        "parts_revenue": D("6034.46"), "parts_cost": D("3600.0000"), "uncosted_parts": D("1724.12"),
    }


@pytest.mark.owner_role  # TRUNCATE is the owner's (seed_scale --force runs as the owner)
def test_the_generators_invoices_in_sql_are_added_and_a_truncate_empties_the_days():
    from demo.scale_billing import invoice_completed_jobs

    for n in range(3):
        on = day(2, 10 + n)
        ServiceFactory(status=ServiceStatus.COMPLETED, scheduled_date=on, completed_date=on, cost=D("10000.00"))
    with connection.cursor() as cursor:
        assert invoice_completed_jobs(cursor, seed=7, replace=False) == 3
    kept = _kept()
    assert kept == _by_definition() and len(kept) == 3
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # TRUNCATE refuses while FK checks are queued
        cursor.execute("TRUNCATE billing_invoices CASCADE")
    assert not InvoiceDays.objects.exists()


def test_the_money_page_reads_the_days_never_the_invoices_or_their_lines():
    """A month at scale 10 is 87 000 invoices and as many part lines; twelve months 560 000 invoices
    (docs/reports.md, "Invoice days"): the page's figures come from a row per day."""
    _invoiced_job(day(3, 2), [(LineKind.PART, "2500.00", "1800.00")])
    with CaptureQueriesContext(connection) as ctx:
        figures = money_figures(period=Period(day(3, 1), day(3, 31)))
        months = invoiced_by_month(start=day(1, 1), end=day(3, 31))
    assert figures["invoices"] == 1 and figures["parts_cost"] == D("3600.00") and months[-1]["invoices"] == 1
    sql = " ".join(q["sql"] for q in ctx.captured_queries)
    assert "report_invoice_days" in sql and "billing_invoice" not in sql

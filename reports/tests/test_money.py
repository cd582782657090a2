"""The money page: invoiced revenue, gross profit, approval rate, declined work, its call list, and CSV.
Figures below are worked out by hand from the lines each test prices."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from billing.models import Decision, DecisionChannel, LineKind, TaxCategory
from billing.selectors import invoice_for_service
from billing.services import credit_note_issue, declined_work_recover, estimate_line_add, estimate_line_decide
from concierge.accounts.tests.factories import login_verified
from reports.periods import preset_period
from reports.selectors import declined_work_call_list, invoiced_by_month, money_figures
from servicing.services import service_complete, service_start
from servicing.tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db
D = Decimal


def _line(job, description, kind, quantity, price, cost=None, decision=Decision.APPROVED, follow_up=None):
    line = estimate_line_add(
        service=job, kind=kind, description=description, quantity=D(quantity), unit_price=D(price),
        unit_cost=D(cost) if cost else None, tax_category=TaxCategory.VAT16,
    )
    estimate_line_decide(line=line, decision=decision, via=DecisionChannel.PHONE, by=None, follow_up_date=follow_up)
    return line


def _brake_job(follow_up=None):
    """Labour 2 h x 1 500 and two brake pads at 2 500 (cost 1 800 each before VAT) approved; a wiper at
    1 200 declined. Prices include VAT: labour 3 000 = 2 586.21 + VAT 413.79 (3 000 x 16 / 116), pads
    5 000 = 4 310.34 + 689.66. Invoice: net 6 896.55, VAT 1 103.45, total 8 000."""
    job = ServiceFactory(service_type="Brake Repair")
    _line(job, "Brake labour", LineKind.LABOUR, "2", "1500.00")
    pads = _line(job, "Brake pads", LineKind.PART, "2", "2500.00", cost="1800.00")
    wiper = _line(job, "Wiper blade", LineKind.PART, "1", "1200.00", cost="700.00",
                  decision=Decision.DECLINED, follow_up=follow_up)
    service_start(service=job)
    service_complete(service=job)
    return job, pads, wiper


def test_revenue_is_invoices_less_credit_notes_and_gross_profit_takes_off_the_parts_cost():
    job, pads, _wiper = _brake_job()
    invoice = invoice_for_service(service=job)
    pad_line = invoice.lines.get(estimate_line=pads)
    credit_note_issue(invoice=invoice, reason="One pad returned", quantities={str(pad_line.pk): D("1")})
    figures = money_figures(period=preset_period("this_month"))
    # The credit note: one pad, 2 500 = 2 155.17 + VAT 344.83.
    assert figures["invoiced"] == D("6896.55") and figures["credited"] == D("2155.17")
    assert figures["revenue"] == D("4741.38") and figures["invoices"] == 1
    assert figures["average_repair_order"] == D("4741.38")
    assert figures["vat"] == D("758.62")  # 1 103.45 charged, 344.83 credited
    # Parts: 4 310.34 - 2 155.17 credited = 2 155.17 sold, at 3 600 - 1 800 = 1 800 cost.
    assert figures["parts_revenue"] == D("2155.17") and figures["parts_cost"] == D("1800.00")
    assert figures["gross_profit"] == D("2941.38") and figures["parts_gross_profit"] == D("355.17")
    assert figures["uncosted_parts"] == D("0.00")


def test_approval_rate_and_declined_work_with_its_recovery():
    job, _pads, wiper = _brake_job()
    figures = money_figures(period=preset_period("this_month"))
    assert figures["approved_lines"] == 2 and figures["declined_lines"] == 1
    assert figures["approval_rate"] == D(2) / D(3)
    # Approved 3 000 + 5 000 = 8 000 of 8 000 + 1 200 (VAT included, as the owner was asked).
    assert figures["approval_rate_by_value"] == D("8000.00") / D("9200.00")
    assert figures["declined_value"] == D("1200.00") and figures["recovered_value"] == D("0.00")
    assert figures["recovery_rate"] == D(0)
    later = ServiceFactory(vehicle=job.vehicle)
    declined_work_recover(line=wiper, service=later)
    assert money_figures(period=preset_period("this_month"))["recovery_rate"] == D(1)


def test_an_empty_period_has_no_ratios():
    figures = money_figures(period=preset_period("this_month"))
    assert figures["revenue"] == D("0.00")
    assert figures["average_repair_order"] is None and figures["approval_rate"] is None


def test_invoiced_by_month_lists_every_month_and_puts_the_invoice_in_its_own():
    _brake_job()
    today = timezone.localdate()
    months = invoiced_by_month(start=today.replace(day=1, month=1), end=today)
    assert len(months) == today.month
    assert months[-1]["revenue"] == D("6896.55") and months[-1]["invoices"] == 1
    assert all(m["revenue"] == 0 for m in months[:-1])


def test_the_call_list_holds_declined_work_due_and_not_recovered():
    today = timezone.localdate()
    job, _pads, wiper = _brake_job(follow_up=today)
    _brake_job()  # follow-up in 30 days: not due yet
    due = list(declined_work_call_list(today=today))
    assert due == [wiper]
    declined_work_recover(line=wiper, service=ServiceFactory(vehicle=job.vehicle))
    assert not declined_work_call_list(today=today).exists()


def test_the_page_shows_the_call_list_with_phones_and_downloads_csv(client, manager):
    today = timezone.localdate()
    job, _pads, _wiper = _brake_job(follow_up=today)
    login_verified(client, manager)
    page = client.get(reverse("reports:money")).content.decode()
    assert "Wiper blade" in page and job.vehicle.client.phone in page
    csv = client.get(reverse("reports:money-csv", kwargs={"table": "declined_work"})).content.decode()
    assert "Wiper blade" in csv and "1200.00" in csv
    csv = client.get(reverse("reports:money-csv", kwargs={"table": "figures"})).content.decode()
    assert "Invoiced revenue (before VAT)" in csv and "6896.55" in csv


def test_staff_without_the_reports_permission_get_403(client, front_desk):
    login_verified(client, front_desk)
    assert client.get(reverse("reports:money")).status_code == 403


def _count(client):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("reports:money")).status_code == 200
    return len(queries)


def test_the_page_runs_the_same_queries_whatever_the_data_size(client, manager, django_assert_max_num_queries):
    login_verified(client, manager)
    today = timezone.localdate()
    _brake_job(follow_up=today)
    with django_assert_max_num_queries(14):
        small = _count(client)
    for _ in range(6):
        _brake_job(follow_up=today)
    with django_assert_max_num_queries(14):
        large = _count(client)
    assert small == large

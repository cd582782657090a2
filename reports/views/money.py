"""The money page: invoiced revenue, gross profit, estimate approval, declined work and its call list."""

from django.conf import settings
from django.urls import reverse

from reports import selectors
from reports.filters import MoneyReportFilterSet
from reports.periods import months_ending, shop_today
from reports.selectors.figures import Comparison
from reports.tables import Column, Table

from .base import ReportPage, chart
from .pages import _URL_PLACEHOLDER, _page_without_count

FIGURES = [
    ("revenue", "Invoiced revenue (before VAT)", "money"),
    ("invoices", "Invoices issued", "int"),
    ("average_repair_order", "Average repair order (invoices)", "money"),
    ("credited", "Credit notes (before VAT)", "money"),
    ("gross_profit", "Gross profit (revenue less parts cost)", "money"),
    ("gross_margin", "Gross margin", "percent"),
    ("parts_gross_profit", "Gross profit on parts", "money"),
    ("uncosted_parts", "Parts sold without a recorded cost", "money"),
    ("approval_rate", "Estimate lines approved", "percent"),
    ("approval_rate_by_value", "Estimate value approved", "percent"),
    ("declined_value", "Declined work (incl. VAT)", "money"),
    ("recovered_value", "Declined work later done", "money"),
    ("recovery_rate", "Declined work recovered", "percent"),
]


class MoneyPage(ReportPage):
    slug, title = "money", "Invoices and estimates"
    filterset_class = MoneyReportFilterSet
    tables = ("figures", "invoiced_by_month", "declined_work")

    def table_figures(self):
        current = selectors.money_figures(period=self.period)
        previous = selectors.money_figures(period=self.period.previous())
        rows = []
        for key, label, kind in FIGURES:
            compared = Comparison(current[key], previous[key])
            rows.append({"figure": label, "kind": kind, "current": compared.current,
                         "previous": compared.previous, "change": compared.change})
        return Table("figures", "Key figures", [
            Column("figure", "Figure"),
            Column("current", "This period", "row"),
            Column("previous", "Previous period", "row"),
            Column("change", "Change", "signed_percent"),
        ], rows, note="Revenue: invoices issued in the period less credit notes, before VAT. Approval and "
                      "declined work: estimate lines the owner answered in the period.")

    def table_invoiced_by_month(self):
        start, end = months_ending(self.period.end)
        return Table("invoiced_by_month", "Invoiced by month, last 12 months", [
            Column("month", "Month", "month"),
            Column("invoiced", "Invoiced", "money"),
            Column("credited", "Credited", "money"),
            Column("revenue", "Invoiced revenue", "money"),
            Column("vat", "VAT", "money"),
            Column("invoices", "Invoices", "int"),
            Column("average_repair_order", "Average repair order", "money"),
        ], selectors.invoiced_by_month(start=start, end=end), note="Amounts before VAT; VAT net of credit notes.")

    def table_declined_work(self):
        lines = selectors.declined_work_call_list(today=shop_today())
        if "table" in self.kwargs:  # the CSV: every row
            page, page_lines = None, lines
        else:
            page, page_lines = _page_without_count(lines, self.request.GET.get("page"), settings.REPORTS_PAGE_SIZE)
        change_url = reverse("admin:servicing_service_change", args=[_URL_PLACEHOLDER])
        rows = []
        for line in page_lines:
            job = line.service
            client = job.vehicle.client
            rows.append({
                "follow_up_date": line.follow_up_date, "name": client.full_name, "phone": client.phone,
                "plate": job.vehicle.license_plate, "work": line.description, "value": line.total_amount,
                "job_url": change_url.replace(str(_URL_PLACEHOLDER), str(job.pk)),
            })
        return Table("declined_work", "Declined work due for a call", [
            Column("follow_up_date", "Follow up on", "date"),
            Column("name", "Client"),
            Column("phone", "Phone"),
            Column("plate", "Car", link="job_url"),
            Column("work", "Declined work"),
            Column("value", "Value", "money"),
        ], rows, note="Follow-up date reached and not done since; counted from today, whatever the period.",
            extra={"page": page})

    def charts(self, tables):
        months = tables[1].rows
        return [chart("invoiced-revenue", "Invoiced revenue by month (KES)", [f"{m['month']:%b %Y}" for m in months],
                      [("Invoiced revenue", [m["revenue"] for m in months])], money=True)]

"""The receivables page: who owes what and for how long, cars in the yard not paid for, money taken on a day."""

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from reports.filters import ReceivablesFilterSet
from reports.periods import shop_today
from reports.selectors import receivables as selectors
from reports.tables import Column, Table

from .base import ReportPage
from .pages import _URL_PLACEHOLDER

AGE_COLUMNS = [Column(bucket.key, bucket.label, "money") for bucket in selectors.AGE_BUCKETS]


def _page_number(raw: str | None) -> int:
    try:
        return min(max(int(raw or 1), 1), 100_000)  # a huge OFFSET would overflow PostgreSQL's bigint
    except ValueError:
        return 1


class ReceivablesPage(ReportPage):
    slug, title = "receivables", "Receivables"
    filterset_class = ReceivablesFilterSet
    template_name = "reports/receivables.html"
    tables = ("ageing", "by_client", "cars_waiting", "collected")

    def table_ageing(self):
        totals = selectors.receivables_totals(today=shop_today())
        rows = [{"age": bucket.label, "amount": totals[bucket.key]} for bucket in selectors.AGE_BUCKETS]
        rows += [
            {"age": "Owed in all", "amount": totals["owed"]},
            {"age": "Credit held (paid more than due)", "amount": totals["credit"]},
        ]
        return Table("ageing", "Owed, by age", [
            Column("age", "Age (days since the invoice was issued)"),
            Column("amount", "Amount", "money"),
        ], rows, note=f"{totals['invoices_owing']:,} invoices owing, from {totals['clients_owing']:,} clients. "
                      "Balance: the invoice's total less its credit notes, less payments net of refunds; as of now.",
            extra={"totals": totals})

    def table_by_client(self):
        size = settings.REPORTS_PAGE_SIZE
        if "table" in self.kwargs:  # the CSV: every client owing
            page, balances = None, selectors.receivables_by_client(today=shop_today())
        else:
            number = _page_number(self.request.GET.get("page"))
            # One row more than the page says whether another follows, without a COUNT.
            balances = selectors.receivables_by_client(today=shop_today(), limit=size + 1, offset=(number - 1) * size)
            page = {"number": number, "has_previous": number > 1, "has_next": len(balances) > size,
                    "previous_page_number": number - 1, "next_page_number": number + 1}
            balances = balances[:size]
        change_url = reverse("admin:clients_client_change", args=[_URL_PLACEHOLDER])
        rows = [
            {
                "name": balance.client.full_name, "phone": balance.client.phone,
                "invoices": balance.invoices_owing, "oldest": balance.oldest_issue_date, **balance.by_age,
                "owed": balance.owed, "credit": balance.credit,
                "admin_url": change_url.replace(str(_URL_PLACEHOLDER), str(balance.client.pk)),
            }
            for balance in balances
        ]
        return Table("by_client", "Balances by client", [
            Column("name", "Client", link="admin_url"),
            Column("phone", "Phone"),
            Column("invoices", "Invoices owing", "int"),
            Column("oldest", "Oldest issued", "date"),
            *AGE_COLUMNS,
            Column("owed", "Owed in all", "money"),
            Column("credit", "Credit held", "money"),
        ], rows, note="Clients owing anything, most owed first; each amount in the column of its invoice's age.",
            extra={"page": page})

    def table_cars_waiting(self):
        today = shop_today()
        change_url = reverse("admin:servicing_service_change", args=[_URL_PLACEHOLDER])
        queryset = selectors.cars_waiting_unpaid()
        more = False
        if "table" in self.kwargs:  # the CSV: every car waiting
            waiting: Iterable[Any] = queryset
        else:  # the page: the longest waiting, never the whole yard's history
            size = settings.REPORTS_PAGE_SIZE
            first = list(queryset[:size + 1])
            more, waiting = len(first) > size, first[:size]
        rows = []
        for invoice in waiting:
            job = invoice.service
            client = job.vehicle.client
            rows.append({
                "completed": job.completed_date,
                "waiting": (today - job.completed_date).days if job.completed_date else None,
                "plate": job.vehicle.license_plate or job.vehicle.vin, "job": job.service_type,
                "name": client.full_name, "phone": client.phone, "invoice": invoice.display_number,
                "due": invoice.due, "paid": invoice.paid, "balance": invoice.balance,
                "job_url": change_url.replace(str(_URL_PLACEHOLDER), str(job.pk)),
            })
        return Table("cars_waiting", "Cars completed, not collected and not paid", [
            Column("completed", "Completed", "date"),
            Column("waiting", "Days in the yard", "int"),
            Column("plate", "Car", link="job_url"),
            Column("job", "Job"),
            Column("name", "Client"),
            Column("phone", "Phone"),
            Column("invoice", "Invoice"),
            Column("due", "Due", "money"),
            Column("paid", "Paid", "money"),
            Column("balance", "Balance", "money"),
        ], rows, note="Completed jobs whose car has not been marked collected and whose invoice still has a "
                      "balance (nothing or part paid); longest waiting first."
                      + (f" The {len(rows)} longest waiting are shown; the CSV lists them all." if more else ""))

    def table_collected(self):
        day = self.period.start
        rows = selectors.collected_by_method(day=day)
        title = "Money collected today" if day == shop_today() else f"Money collected on {day:%d %b %Y}"
        return Table("collected", f"{title}, by method", [
            Column("method", "Method"),
            Column("payments", "Payments", "int"),
            Column("received", "Received", "money"),
            Column("refunds", "Refunds", "int"),
            Column("refunded", "Refunded", "money"),
            Column("net", "Net taken", "money"),
        ], rows, note=f"Payments and refunds recorded in the ledger with a time on that day ({timezone.get_current_timezone_name()}).")

"""The five report pages. Each table is one selector call; no page loops over rows itself."""

import uuid
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse

from reports import selectors
from reports.filters import ClientReportFilterSet, NotificationReportFilterSet, ServiceReportFilterSet
from reports.periods import months_ending, shop_today
from reports.selectors.notifications import notification_time_field
from reports.tables import Column, Table

from .base import ReportPage, chart

FIGURES = [
    ("revenue", "Revenue", "money"),
    ("car_count", "Car count", "int"),
    ("average_repair_order", "Average repair order", "money"),
    ("jobs_completed", "Jobs completed", "int"),
    ("average_turnaround_days", "Average turnaround", "days"),
    ("on_time_rate", "On-time rate", "percent"),
    ("overdue_now", "Overdue jobs now", "int"),
    ("notification_delivery_rate", "Notification delivery rate", "percent"),
]

MONTH_COLUMNS = [
    Column("month", "Month", "month"),
    Column("revenue", "Revenue", "money"),
    Column("jobs", "Jobs completed", "int"),
    Column("average_repair_order", "Average repair order", "money"),
]


# These pages count jobs (filterable by type, technician, client): their revenue is the completed jobs'
# cost, which billing makes the invoice total. The money page counts the invoices themselves.
JOB_REVENUE_NOTE = ("Revenue here is the completed jobs' value: each job's cost, which for an invoiced job is its "
                    "invoice total, VAT included. Invoiced revenue net of VAT and credit notes is on the Money report.")


def revenue_by_month_table(page, name, title):
    """The last 12 months of revenue up to the page's period, as the overview and revenue pages show it."""
    start, end = months_ending(page.period.end)
    return Table(name, title, MONTH_COLUMNS, selectors.revenue_by_month(start=start, end=end, services=page.scope),
                 note=JOB_REVENUE_NOTE)


def month_labels(months):
    return [f"{m['month']:%b %Y}" for m in months]


def revenue_by_month_chart(chart_id, months):
    return chart(chart_id, "Revenue by month (KES)", month_labels(months),
                 [("Revenue", [m["revenue"] for m in months])], money=True)


class OverviewPage(ReportPage):
    slug, title = "overview", "Overview"
    filterset_class = ServiceReportFilterSet
    template_name = "reports/overview.html"
    tables = ("figures", "revenue_by_month")

    def table_figures(self):
        figures = selectors.overview(period=self.period, services=self.scope)
        rows = [
            {
                "figure": label, "kind": kind, "key": key,
                "current": figures[key].current, "previous": figures[key].previous, "change": figures[key].change,
            }
            for key, label, kind in FIGURES
        ]
        return Table("figures", "Key figures", [
            Column("figure", "Figure"),
            Column("current", "This period", "row"),
            Column("previous", "Previous period", "row"),
            Column("change", "Change", "signed_percent"),
        ], rows, note=f"{JOB_REVENUE_NOTE} Overdue jobs are counted now, so they have no previous value.")

    def table_revenue_by_month(self):
        return revenue_by_month_table(self, "revenue_by_month", "Revenue by month, last 12 months")

    def charts(self, tables):
        return [revenue_by_month_chart("overview-revenue", tables[1].rows)]


class RevenuePage(ReportPage):
    slug, title = "revenue", "Revenue and volume"
    filterset_class = ServiceReportFilterSet
    tables = ("by_month", "by_service_type", "makes_and_models")

    def table_by_month(self):
        return revenue_by_month_table(self, "by_month", "By month, last 12 months")

    def table_by_service_type(self):
        return Table("by_service_type", "By service type", [
            Column("service_type", "Service type"),
            Column("jobs", "Jobs completed", "int"),
            Column("revenue", "Revenue", "money"),
            Column("average_repair_order", "Average repair order", "money"),
            Column("share", "Share of revenue", "percent"),
        ], selectors.revenue_by_service_type(period=self.period, services=self.scope))

    def table_makes_and_models(self):
        return Table("makes_and_models", "Top makes and models served", [
            Column("make", "Make"),
            Column("model", "Model"),
            Column("cars", "Cars", "int"),
            Column("jobs", "Jobs completed", "int"),
            Column("revenue", "Revenue", "money"),
            Column("average_repair_order", "Average repair order", "money"),
        ], selectors.top_makes_and_models(period=self.period, services=self.scope))

    def charts(self, tables):
        months, types = tables[0].rows, tables[1].rows
        return [
            revenue_by_month_chart("revenue-by-month", months),
            chart("jobs-by-month", "Jobs completed by month", month_labels(months),
                  [("Jobs completed", [m["jobs"] for m in months])],
                  kind="line"),
            chart("revenue-by-type", "Revenue by service type (KES)", [t["service_type"] for t in types],
                  [("Revenue", [t["revenue"] for t in types])], money=True),
        ]


class TechniciansPage(ReportPage):
    slug, title = "technicians", "Technicians"
    filterset_class = ServiceReportFilterSet
    tables = ("technicians",)

    def table_technicians(self):
        rows = selectors.technician_performance(period=self.period, services=self.scope)
        services_admin = reverse("admin:servicing_service_changelist")
        for row in rows:
            # The admin's job list, for the jobs on this technician's bench now.
            if row["in_progress_now"] and row["name"] != selectors.technicians.UNASSIGNED:
                row["in_progress_url"] = f"{services_admin}?{urlencode({'technician': row['name'], 'status__exact': 'in_progress'})}"
        return Table("technicians", "Per technician", [
            Column("name", "Technician"),
            Column("jobs_completed", "Jobs completed", "int"),
            Column("revenue", "Revenue", "money"),
            Column("average_repair_order", "Average repair order", "money"),
            Column("average_turnaround_days", "Average turnaround", "days"),
            Column("in_progress_now", "In progress now", "int", link="in_progress_url"),
        ], rows,
            note="Jobs in progress are counted now, whatever the period.")

    def charts(self, tables):
        rows = tables[0].rows
        return [chart("technician-revenue", "Revenue per technician (KES)", [r["name"] for r in rows],
                      [("Revenue", [r["revenue"] for r in rows])], money=True)]


class ClientsPage(ReportPage):
    slug, title = "clients", "Clients"
    filterset_class = ClientReportFilterSet
    tables = ("new_clients", "returning", "call_list")

    def table_new_clients(self):
        start, end = months_ending(self.period.end)
        return Table("new_clients", "New clients by month, last 12 months", [
            Column("month", "Month", "month"), Column("new_clients", "New clients", "int"),
        ], selectors.new_clients_by_month(start=start, end=end))

    def table_returning(self):
        totals = selectors.returning_clients(period=self.period, services=self.scope)
        return Table("returning", "Returning clients in the period", [
            Column("clients", "Clients served", "int"),
            Column("returning", "Returning clients", "int"),
            Column("returning_share_of_clients", "Share of clients", "percent"),
            Column("revenue", "Revenue", "money"),
            Column("returning_revenue", "Revenue from returning clients", "money"),
            Column("returning_share_of_revenue", "Share of revenue", "percent"),
        ], [totals], note="Returning: more than one completed job up to the end of the period.")

    def table_call_list(self):
        clients = selectors.lapsed_clients(today=shop_today()).prefetch_related(None)
        if "table" in self.kwargs:  # the CSV: every row
            page, page_rows = None, clients
        else:
            page, page_rows = _page_without_count(clients, self.request.GET.get("page"), settings.REPORTS_PAGE_SIZE)
        # Model instances, not .values(): the contact fields may be decrypted by their field class.
        # The admin link is reversed once and filled in per row: reverse() for each of the CSV's
        # 24 000 rows (scale 10) was half of its second.
        change_url = reverse("admin:clients_client_change", args=[_URL_PLACEHOLDER])
        rows = [
            {
                "name": client.full_name, "phone": client.phone, "last_visit": client.last_visit,
                "completed_jobs": client.completed_jobs,
                "admin_url": change_url.replace(str(_URL_PLACEHOLDER), str(client.pk)),
            }
            for client in page_rows
        ]
        return Table("call_list", f"Not seen for {selectors.clients.LAPSED_AFTER_MONTHS} months or more: call list", [
            Column("name", "Client", link="admin_url"),
            Column("phone", "Phone"),
            Column("last_visit", "Last completed job", "date"),
            Column("completed_jobs", "Completed jobs", "int"),
        ], rows, note="Clients with a job booked or in progress are left off. Counted from today, whatever the period.",
            extra={"page": page})

    def charts(self, tables):
        months = tables[0].rows
        return [chart("new-clients", "New clients by month", [f"{m['month']:%b %Y}" for m in months],
                      [("New clients", [m["new_clients"] for m in months])])]


_URL_PLACEHOLDER = uuid.UUID(int=0)


def _page_without_count(queryset, number, size):
    """One page of `queryset` and whether another follows, by reading one row more than the page.
    No COUNT(*): on the call list that would run its whole query a second time."""
    try:
        number = min(max(int(number or 1), 1), 100_000)  # a huge OFFSET would overflow PostgreSQL's bigint
    except ValueError:
        number = 1
    rows = list(queryset[(number - 1) * size:number * size + 1])
    page = {"number": number, "has_previous": number > 1, "has_next": len(rows) > size,
            "previous_page_number": number - 1, "next_page_number": number + 1}
    return page, rows[:size]


class NotificationsPage(ReportPage):
    slug, title = "notifications", "Notifications"
    filterset_class = NotificationReportFilterSet
    template_name = "reports/notifications.html"
    tables = ("by_channel", "by_week", "failure_reasons", "sms_delivery", "delivery_failure_reasons")

    def _failed_admin_url(self, **lookups):
        # The admin's list of failed notifications for the same period (its filters take lookups).
        field = notification_time_field()
        query = {
            "status__exact": "failed",
            f"{field}__gte": self.period.start_at.isoformat(),
            f"{field}__lt": self.period.end_before.isoformat(),
            **lookups,
        }
        return f"{reverse('admin:notifications_notification_changelist')}?{urlencode(query)}"

    def table_by_channel(self):
        rows = selectors.notifications_by_channel(period=self.period, notifications=self.scope)
        for row in rows:
            row["failed_url"] = self._failed_admin_url(channel__exact=row["channel"]) if row["failed"] else None
        return Table("by_channel", "By channel", [
            Column("channel_label", "Channel"),
            Column("sent", "Sent", "int"),
            Column("failed", "Failed", "int", link="failed_url"),
            Column("pending", "Pending", "int"),
            Column("total", "Total", "int"),
            Column("delivery_rate", "Delivery rate", "percent"),
        ], rows, note="Delivery rate here: sent / (sent + failed), the provider took it; pending messages have "
                      "no outcome yet. What reached the phones: “Text messages delivered”, below.")

    def table_by_week(self):
        return Table("by_week", "By week", [
            Column("week", "Week", "week"),
            Column("sent", "Sent", "int"),
            Column("failed", "Failed", "int"),
            Column("pending", "Pending", "int"),
            Column("total", "Total", "int"),
            Column("delivery_rate", "Delivery rate", "percent"),
        ], selectors.notifications_by_week(period=self.period, notifications=self.scope))

    def table_failure_reasons(self):
        return Table("failure_reasons", "Most frequent failure reasons", [
            Column("reason", "Reason"), Column("failures", "Failures", "int"),
        ], selectors.failure_reasons(period=self.period, notifications=self.scope))

    def table_sms_delivery(self):
        return Table("sms_delivery", "Text messages delivered (the network's delivery reports)", [
            Column("delivered", "Delivered", "int"),
            Column("not_delivered", "Not delivered", "int"),
            Column("refused", "Refused before the network", "int"),
            Column("at_network", "At the network", "int"),
            Column("no_report", "No report yet", "int"),
            Column("pending", "Pending", "int"),
            Column("total", "Total", "int"),
            Column("delivery_rate", "Delivery rate", "percent"),
        ], selectors.sms_delivery(period=self.period, notifications=self.scope),
            note="Delivery rate: delivered / (delivered + not delivered + refused before the network); texts "
                 "awaiting a final report have no outcome yet.")

    def table_delivery_failure_reasons(self):
        return Table("delivery_failure_reasons", "Why the network did not deliver", [
            Column("reason", "Reason"), Column("failures", "Texts", "int"),
        ], selectors.delivery_failure_reasons(period=self.period, notifications=self.scope))

    def charts(self, tables):
        weeks = tables[1].rows
        labels = [f"{w['week']:%d %b}" for w in weeks]
        return [chart("notifications-by-week", "Notifications by week", labels, [
            (status, [w[status.lower()] for w in weeks]) for status in ("Sent", "Failed", "Pending")
        ], stacked=True)]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.filterset.is_valid():
            context["failed_admin_url"] = self._failed_admin_url()
        return context

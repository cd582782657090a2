"""The shape every report page shares: permission, FilterSet, tables, charts, CSV downloads."""

from typing import cast
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import admin
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponse
from django.template.response import TemplateResponse
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView

from reports.filters import PeriodFilterSet
from reports.routers import reading_reports

PAGES = [
    ("reports:overview", "Overview"),
    ("reports:revenue", "Revenue and volume"),
    ("reports:technicians", "Technicians"),
    ("reports:clients", "Clients"),
    ("reports:notifications", "Notifications"),
    ("reports:money", "Invoices and estimates"),
    ("reports:receivables", "Receivables"),
]


# Figures about clients and money, and CSVs of names and phones: no browser or proxy keeps a copy
# (Cache-Control: no-store, as the admin's pages send).
@method_decorator(never_cache, name="dispatch")
class ReportPage(PermissionRequiredMixin, TemplateView):
    """A report page declares its FilterSet, its tables (methods `table_<name>`) and its charts
    (`charts()`); the same table methods serve the HTML page and `<page>/<table>.csv`.

    Only users the staff admin itself lets in (active, staff, second factor where required: the admin
    site's has_permission) reach a report; anyone else is sent to the sign-in page. Staff without
    reports.view_reports get 403.
    """

    permission_required = "reports.view_reports"
    template_name = "reports/page.html"
    slug = ""
    title = ""
    # Every page sets its own (reports/views/pages.py).
    filterset_class: type[PeriodFilterSet]
    # Names of the page's `table_<name>` methods, in the order shown.
    tables: tuple[str, ...] = ()

    def has_permission(self):
        return admin.site.has_permission(self.request) and super().has_permission()

    def handle_no_permission(self):
        if not admin.site.has_permission(self.request):
            return redirect_to_login(self.request.get_full_path(), resolve_url(settings.LOGIN_URL))
        return super().handle_no_permission()

    def get(self, request, *args, **kwargs):
        self.filterset = self.filterset_class(request.GET, request=request)
        # Everything read from here on is a report query (the FilterSet's choices too): it goes to the
        # reports database when one is configured. The response is rendered inside, so nothing lazy
        # escapes to the default database.
        with reading_reports():
            table_name = kwargs.get("table")
            if table_name is not None and table_name not in self.tables:
                raise Http404("No such table on this report page.")
            if not self.filterset.is_valid():
                if table_name:
                    errors = "; ".join(f"{k}: {' '.join(v)}" for k, v in self.filterset.errors.items())
                    return HttpResponse(f"Invalid filters: {errors}\n", status=400, content_type="text/plain")
                # TemplateView answers with a TemplateResponse (response_class); rendered here, inside
                # reading_reports(), so its lazy queries run against the reports database.
                response = cast(TemplateResponse, self.render_to_response(self.get_context_data(), status=400))
                return response.render()
            self.period = self.filterset.get_period()
            self.scope = self.filterset.qs
            if table_name:
                table = getattr(self, f"table_{table_name}")()
                # Day first, as everywhere (01-Nov-2026): no slash may appear in a file name.
                return table.csv_response(
                    filename=f"{self.slug}-{table_name}-{self.period.start:%d-%b-%Y}-to-{self.period.end:%d-%b-%Y}.csv"
                )
            response = cast(TemplateResponse, self.render_to_response(self.get_context_data()))
            return response.render()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(admin.site.each_context(self.request))
        query = self.request.GET.urlencode()
        # Moving between pages keeps the period; the other filters belong to the page they were set on.
        period_query = urlencode([(k, v) for k, v in self.request.GET.items() if k in ("period", "start", "end")])
        context.update(
            title=self.title,
            page_slug=self.slug,
            pages=[
                (f"{reverse(name)}?{period_query}" if period_query else reverse(name), label, name == f"reports:{self.slug}")
                for name, label in PAGES
            ],
            filter=self.filterset,
            query=query,
            query_without_page=urlencode([(k, v) for k, v in self.request.GET.items() if k != "page"]),
        )
        if self.filterset.is_valid():
            context["period"] = self.period
            context["previous_period"] = self.period.previous()
            context["tables"] = [self._with_csv_url(getattr(self, f"table_{name}")(), query) for name in self.tables]
            context["charts"] = self.charts(context["tables"])
        return context

    def _with_csv_url(self, table, query):
        url = reverse(f"reports:{self.slug}-csv", kwargs={"table": table.name})
        table.csv_url = f"{url}?{query}" if query else url
        return table

    def charts(self, tables):
        return []


def chart(chart_id, title, labels, datasets, *, kind="bar", stacked=False, money=False):
    """A chart description for reports/charts.js, read from a json_script tag (no inline script)."""
    return {
        "id": chart_id,
        "data_id": f"{chart_id}-data",
        "title": title,
        "spec": {
            "type": kind,
            "labels": [str(label) for label in labels],
            "datasets": [
                {"label": label, "data": [float(v) if v is not None else None for v in values]}
                for label, values in datasets
            ],
            "stacked": stacked,
            "money": money,
        },
    }

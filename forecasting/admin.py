"""The staff side of predictions: the "expected next 30 days" list (capacity planning, with a count
per week and service type above the cars) and the predicted services on each car's page."""

import datetime

from django.contrib import admin
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from concierge.admin.changelists import DeferringChangeList, QuickRowsAdminMixin
from concierge.admin.readonly import ViewOnlyAdminMixin
from servicing.models import CLIENT_DETAILS_PERMISSION

from .models import ServicePrediction
from .selectors import car_predictions, expected_between, expected_by_week

EXPECTED_DAYS = 30


def _km(value: float | int | None) -> str:
    return "—" if value is None else f"{value:,.0f}"


def predicted_services_html(vehicle) -> str:
    """On the car's page (a read-only field of fleet's VehicleAdmin, not an inline: the page's form posts
    no formset for rows nobody edits): its predicted next services, soonest first, with the km since
    each was last done and what the km per day rests on."""
    rows = list(car_predictions(vehicle=vehicle))
    if not rows:
        return format_html("<p>{}</p>", "No prediction yet: it needs a completed job of a type with an interval.")
    body = format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{} ({}, {})</td></tr>", (
        (p.service_type.name, f"{p.due_date:%d/%m/%Y}", p.due_by, _km(p.km_since_last), f"{p.last_service_date:%d/%m/%Y}",
         _km(p.km_per_day), p.get_rate_source_display(), p.get_confidence_display())
        for p in rows
    ))
    return format_html(
        '<table class="predicted-services"><thead><tr><th>Service</th><th>Predicted due</th><th>Due by</th>'
        "<th>km since last service</th><th>Last done</th><th>km per day</th></tr></thead><tbody>{}</tbody></table>",
        body,
    )


@admin.register(ServicePrediction)
class ExpectedServiceAdmin(ViewOnlyAdminMixin, QuickRowsAdminMixin, admin.ModelAdmin):
    """Services predicted due from today to 30 days on: how many of each type per week, and the cars.

    Its rows are made once per column (QuickRowsAdminMixin, through the template's
    admin/concierge/change_list.html): Django's rows were 50 ms of this page's 67 ms at scale 10
    (100 rows of 11 columns), which missed its 50 ms target with them. Its count stays exact: the list
    is always a 30-day window (about 40 000 cars at scale 10, counted from its index)."""

    change_list_template = "admin/forecasting/serviceprediction/change_list.html"
    list_display = ("due_date", "plate", "car", "service_type", "due_by", "km_since", "rate", "rate_source", "confidence")
    list_filter = ("service_type", "confidence", "rate_source")
    list_select_related = ("service_type", "vehicle__client")
    ordering = ("due_date", "id")
    list_per_page = 100
    show_full_result_count = False
    # The owner is shown by name: their encrypted contacts (two decryptions a row) are left unread.
    list_deferred = ("vehicle__metadata", "vehicle__client__email", "vehicle__client__phone", "vehicle__client__address")

    def get_changelist(self, request, **kwargs):
        return DeferringChangeList

    def window(self) -> tuple[datetime.date, datetime.date]:
        today = timezone.localdate()
        return today, today + datetime.timedelta(days=EXPECTED_DAYS)

    def get_queryset(self, request):
        return expected_between(start=self.window()[0], end=self.window()[1])

    def get_list_display(self, request):
        if request.user.has_perm(CLIENT_DETAILS_PERMISSION):
            return (*self.list_display[:3], "owner", *self.list_display[3:])
        return self.list_display

    def changelist_view(self, request, extra_context=None):
        start, end = self.window()
        weeks: dict[datetime.date, dict[str, int]] = {}
        types: set[str] = set()
        for row in expected_by_week(start=start, end=end):
            weeks.setdefault(row["week"], {})[row["service_type_name"]] = row["cars"]
            types.add(row["service_type_name"])
        columns = sorted(types)
        table = [(week, [counts.get(name, 0) for name in columns], sum(counts.values())) for week, counts in sorted(weeks.items())]
        return super().changelist_view(request, extra_context={
            **(extra_context or {}), "title": f"Expected services, {start:%d/%m/%Y} to {end:%d/%m/%Y}",
            "week_columns": columns, "week_rows": table,
        })

    @admin.display(description="plate", ordering="vehicle__license_plate")
    def plate(self, prediction):
        url = reverse("admin:fleet_vehicle_change", args=[prediction.vehicle_id])
        return format_html('<a href="{}">{}</a>', url, prediction.vehicle.license_plate or prediction.vehicle.vin)

    @admin.display(description="car")
    def car(self, prediction):
        return f"{prediction.vehicle.make} {prediction.vehicle.model}"

    @admin.display(description="owner")
    def owner(self, prediction):
        client = prediction.vehicle.client
        return f"{client.first_name} {client.last_name}"

    @admin.display(description="km since last", ordering="km_since_last")
    def km_since(self, prediction):
        return _km(prediction.km_since_last)

    @admin.display(description="km/day", ordering="km_per_day")
    def rate(self, prediction):
        return _km(prediction.km_per_day)

from django.contrib import admin, messages
from django.contrib.auth.models import AbstractBaseUser
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from concierge.admin.inlines import INLINE_ROWS_SHOWN, BoundedInlineMixin, QuickInputsInlineMixin
from concierge.admin.changelists import LargeTableAdminMixin, QuickRowsAdminMixin
from concierge.admin.concurrency import StaleEditAdminMixin, changed_columns
from concierge.admin.filters import IndexedValuesListFilter
from concierge.admin.once import AddOnceAdminMixin
from concierge.audit.admin_mixins import AuditHistoryMixin
from forecasting.admin import predicted_services_html
from servicing.models import CLIENT_DETAILS_PERMISSION, PRICE_VIEW_PERMISSION, Service

from .forms import VehicleForm
from .models import ReadingSource, Vehicle
from .selectors import vehicle_admin_search_filter, vehicle_owners
from .services import vehicle_create, vehicle_update


def vehicle_save_from_form(
    vehicle: Vehicle, *, form: VehicleForm, change: bool, by: AbstractBaseUser | None,
) -> None:
    """Save a car from its admin form (its page, or a row of its owner's page) through fleet.services:
    a new car is registered; an edited one has the columns its user changed written, against the row
    the form's stale-edit check locked, so a new reading is told once, with the reading it replaced."""
    if not change:
        vehicle_create(vehicle=vehicle, by=by)
        return
    stored = form.locked_row or Vehicle.objects.select_for_update().get(pk=vehicle.pk)
    # A reading lower than the last one goes in only with the "correct the mileage" tick: kept as a
    # correction, which replaces the mistyped reading in the car's history (fleet/odometer.py).
    source = ReadingSource.CORRECTION if form.cleaned_data.get("mileage_correction") else ReadingSource.ADMIN
    vehicle_update(vehicle=vehicle, fields=changed_columns(vehicle, stored), by=by, locked=stored, source=source)


def _owners_html(vehicle: Vehicle, *, details: bool) -> str:
    """The car's owners, newest first. Read-only: a period is opened and closed by changing the car's
    client (fleet.services), never edited. `details`: full names linked to the client, else first names
    (staff who may not see clients)."""
    rows = list(vehicle_owners(vehicle=vehicle))
    if not rows:
        return "—"

    def who(period):
        if not details:
            return format_html("{}", period.client.first_name)
        url = reverse("admin:clients_client_change", args=[period.client_id])
        return format_html('<a href="{}">{} {}</a>', url, period.client.first_name, period.client.last_name)

    body = format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td></tr>", (
        (who(p), f"{timezone.localtime(p.started_at):%d/%m/%Y %H:%M}",
         f"{timezone.localtime(p.ended_at):%d/%m/%Y %H:%M}" if p.ended_at else "now")
        for p in rows))
    return format_html(
        '<table class="vehicle-owners"><thead><tr><th>Owner</th><th>From</th><th>Until</th></tr></thead>'
        '<tbody>{}</tbody></table><p class="help">Each job belongs to whoever owned the car when it was booked: '
        "that client alone sees it in the portal and in their data export. Changing the car's client above "
        "ends one period and starts the next.</p>", body)


class ServiceInline(QuickInputsInlineMixin, BoundedInlineMixin, admin.TabularInline):
    """The car's newest jobs, read-only: status changes go through the lifecycle on the service's own page.

    Bounded (a busy car has hundreds of jobs; the rest are linked from `jobs_shown`), and each row's
    title names the car, so the car is joined rather than loaded once per row.
    """

    model = Service
    extra = 0
    fields = ("service_type", "status", "scheduled_date", "completed_date", "cost", "technician")
    readonly_fields = fields
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("vehicle")

    def get_fields(self, request, obj=None):
        # No cost column for staff who do not see prices (docs/staff-guide.md, "Roles").
        if request.user.has_perm(PRICE_VIEW_PERMISSION):
            return self.fields
        return tuple(f for f in self.fields if f != "cost")

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj)


def _detail_shown(key: str):
    """The read-only display of one of the car form's details (a key of the metadata column).

    Those who may only view a car (technicians) get every field read-only, and Django's read-only
    display, finding no `colour` on the car, printed the word None whatever the car's metadata held."""
    field = VehicleForm.base_fields[key]
    labels = dict(getattr(field, "choices", ()))

    @admin.display(description=field.label or key.replace("_", " "))
    def shown(self, vehicle: Vehicle) -> str:
        value = (vehicle.metadata or {}).get(key)
        return str(labels.get(value, value)) if value not in (None, "") else self.get_empty_value_display()

    return shown


@admin.register(Vehicle)
class VehicleAdmin(AddOnceAdminMixin, StaleEditAdminMixin, AuditHistoryMixin, QuickRowsAdminMixin, LargeTableAdminMixin, admin.ModelAdmin):
    form = VehicleForm
    list_display = ("license_plate", "make", "model", "year", "client", "mileage")
    # Choices by loose index scan ((make, model) and year indexes), not SELECT DISTINCT over every car.
    list_filter = (("make", IndexedValuesListFilter), ("year", IndexedValuesListFilter))
    list_select_related = ("client",)
    list_deferred = ("metadata", "client__email", "client__phone", "client__address")
    search_fields = ("license_plate", "vin", "make", "model", "client__first_name", "client__last_name")
    search_help_text = "Plate (with or without the space), VIN, make, model, or the owner's name or phone."
    autocomplete_fields = ("client",)
    inlines = [ServiceInline]
    readonly_fields = ("book_service", "jobs_shown", "owner_first_name", "predicted_services", "owners",
                       "owners_first_names")
    fieldsets = (
        (None, {"fields": ("client", "license_plate", "vin", "make", "model", "year")}),
        ("Odometer", {"fields": ("mileage", "mileage_correction")}),
        ("Details", {"fields": ("colour", "engine", "transmission", "fuel", "body_type")}),
    )

    colour = _detail_shown("colour")
    engine = _detail_shown("engine")
    transmission = _detail_shown("transmission")
    fuel = _detail_shown("fuel")
    body_type = _detail_shown("body_type")

    def get_fieldsets(self, request, obj=None):
        fieldsets = tuple(super().get_fieldsets(request, obj))  # with the stale-edit version, when editing
        if obj is not None and not self.has_change_permission(request, obj):
            # The correction tick means nothing on a page that changes nothing.
            fieldsets = tuple((name, {**options, "fields": tuple(f for f in options["fields"] if f != "mileage_correction")})
                              for name, options in fieldsets)
        if not request.user.has_perm(CLIENT_DETAILS_PERMISSION):
            # The owner's first name, not the client record (a link to it, and the full name).
            first, *rest = fieldsets
            fieldsets = ((None, {"fields": ("owner_first_name", *first[1]["fields"][1:])}), *rest)
        if obj is None:
            return fieldsets
        top = ("book_service", "jobs_shown") if request.user.has_perm("servicing.add_service") else ("jobs_shown",)
        predicted = (("Predicted next services", {"fields": ("predicted_services",)}),)
        owners = (("Owners", {"fields": ("owners" if request.user.has_perm(CLIENT_DETAILS_PERMISSION) else "owners_first_names",)}),)
        return ((None, {"fields": top}),) + tuple(fieldsets) + predicted + owners

    @admin.display(description="")
    def predicted_services(self, vehicle):
        return predicted_services_html(vehicle)

    def get_list_display(self, request):
        if request.user.has_perm(CLIENT_DETAILS_PERMISSION):
            return self.list_display
        return tuple("owner_first_name" if column == "client" else column for column in self.list_display)

    @admin.display(description="owner", ordering="client__first_name")
    def owner_first_name(self, vehicle):
        return vehicle.client.first_name if vehicle.client_id else "—"

    @admin.display(description="")
    def owners(self, vehicle):
        return _owners_html(vehicle, details=True)

    @admin.display(description="")
    def owners_first_names(self, vehicle):
        return _owners_html(vehicle, details=False)

    @admin.display(description="")
    def book_service(self, vehicle):
        url = reverse("admin:servicing_service_add") + f"?vehicle={vehicle.pk}"
        return format_html('<a class="addlink" href="{}">Book a service for this car</a>', url)

    @admin.display(description="Jobs")
    def jobs_shown(self, vehicle):
        total = vehicle.services.count()
        url = reverse("admin:servicing_service_changelist") + f"?vehicle__id__exact={vehicle.pk}"
        if total <= INLINE_ROWS_SHOWN:
            return format_html('<a href="{}">All {} job(s) of this car in the services list</a>', url, total)
        return format_html(
            'The {} newest of {} jobs are listed below; <a href="{}">all of them in the services list</a>.',
            INLINE_ROWS_SHOWN, total, url,
        )

    def get_search_results(self, request, queryset, search_term):
        # Our own search over the search_fields (selectors.vehicle_admin_search_filter): owners matched
        # by id first, so no OR across the join to clients. search_fields stays set for the search box.
        matched = vehicle_admin_search_filter(search_term,
                                              owner_details=request.user.has_perm(CLIENT_DETAILS_PERMISSION))
        if matched is None:
            return queryset, False
        return queryset.filter(matched), False

    def save_model(self, request, obj, form, change):
        vehicle_save_from_form(obj, form=form, change=change, by=request.user)
        for warning in form.warnings:
            messages.warning(request, warning)

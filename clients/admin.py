from django.contrib import admin, messages
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join

from concierge.admin.concurrency import StaleEditAdminMixin, StaleEditInlineFormSet
from concierge.admin.once import AddOnceAdminMixin
from concierge.admin.inlines import INLINE_ROWS_SHOWN, BoundedInlineFormSet, BoundedInlineMixin, QuickInputsInlineMixin
from concierge.admin.changelists import LargeTableAdminMixin, QuickRowsAdminMixin
from concierge.audit.admin_mixins import AuditHistoryMixin
from fleet.admin import vehicle_save_from_form
from fleet.forms import VehicleForm, VehicleRowsUniqueMixin
from fleet.models import Vehicle
from notifications.consent_admin import MessagingConsentAdminMixin

from .data_rights.admin import PersonalDataAdminMixin
from .forms import ClientForm
from .models import Client
from .phones import format_phone_for_display
from .selectors import client_search_filter, client_service_history, clients_sharing_phone
from .services import client_create


def date_or_dash(day):
    # The locale's day-first format (5 Nov 2026), as the admin's own columns; str(date) is ISO.
    return date_format(day) if day else "—"


class VehicleRowForm(VehicleForm):
    """VehicleForm with only the fields a row of the client page shows. A field the row does not render
    is posted empty: the form erased the car's stored engine, transmission, fuel and body type whenever
    the client page was saved (and built five unused fields for each of the 20 rows)."""

    # None removes a field declared on the parent form (Django's documented way); the stubs type the
    # parent's fields as fields.
    engine = transmission = fuel = body_type = mileage_correction = None  # type: ignore[assignment]


class VehicleRowFormSet(VehicleRowsUniqueMixin, StaleEditInlineFormSet, BoundedInlineFormSet):
    """The bounded rows: one message per duplicate plate or VIN, each row checked for edits made since
    the page was opened and saved column by column, through fleet.services like the car's own page
    (a new row is a car added, a new reading a mileage change). `by` is set by ClientAdmin.save_formset."""

    by = None

    def save_new(self, form, commit=True):
        vehicle = super().save_new(form, commit=False)
        if commit:
            vehicle_save_from_form(vehicle, form=form, change=False, by=self.by)
            form.save_m2m()
        return vehicle

    def save_existing(self, form, obj, commit=True):
        vehicle = form.save(commit=False)
        if commit:
            vehicle_save_from_form(vehicle, form=form, change=True, by=self.by)
            form.save_m2m()
        return vehicle


class VehicleInline(StaleEditAdminMixin, QuickInputsInlineMixin, BoundedInlineMixin, admin.TabularInline):
    """The client's cars; a new row here adds a vehicle without leaving the client page.

    Bounded: a fleet client has over a thousand cars, each an editable form row; the rest are linked
    from `add_vehicle`.
    """

    model = Vehicle
    form = VehicleRowForm
    formset = VehicleRowFormSet
    extra = 0
    fields = ("license_plate", "make", "model", "year", "vin", "mileage", "colour")
    show_change_link = True

    class Media:
        css = {"all": ["clients/admin.css"]}


@admin.register(Client)
class ClientAdmin(
    AddOnceAdminMixin, MessagingConsentAdminMixin, StaleEditAdminMixin, PersonalDataAdminMixin, AuditHistoryMixin, QuickRowsAdminMixin, LargeTableAdminMixin, admin.ModelAdmin,
):
    form = ClientForm
    list_display = ("last_name", "first_name", "email", "phone_display", "vehicle_count", "consent_gdpr", "created_at")
    list_display_links = ("last_name", "first_name")
    list_filter = ("consent_gdpr", ("created_at", admin.DateFieldListFilter))
    # Email and phone are encrypted: get_search_results matches them exactly through their hashes.
    search_fields = ("first_name", "last_name")
    search_help_text = "Name, email, or phone typed any usual way (0712 345 678, +254712345678, 712345678)."
    inlines = [VehicleInline]
    readonly_fields = ("add_vehicle", "service_history", *MessagingConsentAdminMixin.consent_readonly_fields)
    fieldsets = (
        (None, {"fields": ("first_name", "last_name", "email", "phone", "address", "consent_gdpr", "preferred_language")}),
        ("Service history", {"fields": ("add_vehicle", "service_history")}),
    )

    def get_queryset(self, request):
        # A per-row subquery (100 probes of the vehicles' client index), not COUNT ... GROUP BY over a
        # join of every client and car, which had to finish before the first page could be sorted.
        cars = Vehicle.objects.filter(client=OuterRef("pk")).order_by().values("client").annotate(n=Count("pk")).values("n")
        return super().get_queryset(request).annotate(vehicle_count=Coalesce(Subquery(cars), 0))

    def get_search_results(self, request, queryset, search_term):
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        contact_match = client_search_filter(search_term)
        if contact_match is not None:
            results = results | queryset.filter(contact_match)
        return results, may_have_duplicates

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)  # with the stale-edit version, when editing
        if obj is None:  # a client being added has no history yet
            return fieldsets[:1]
        history = ("add_vehicle", "service_history") if request.user.has_perm("fleet.add_vehicle") else ("service_history",)
        return (fieldsets[0], ("Service history", {"fields": history}),
                ("Messaging consent and history", {"fields": MessagingConsentAdminMixin.consent_readonly_fields}))

    @admin.display(description="phone", ordering="phone")
    def phone_display(self, client):
        return format_phone_for_display(client.phone)

    @admin.display(description="vehicles", ordering="vehicle_count")
    def vehicle_count(self, client):
        return client.vehicle_count

    @admin.display(description="New vehicle")
    def add_vehicle(self, client):
        url = reverse("admin:fleet_vehicle_add") + f"?client={client.pk}"
        link = format_html('<a class="addlink" href="{}">Add a vehicle with all its details (colour, engine, fuel…)</a>', url)
        cars = client.vehicles.count()
        if cars <= INLINE_ROWS_SHOWN:
            return link
        all_cars = reverse("admin:fleet_vehicle_changelist") + f"?client__id__exact={client.pk}"
        return format_html(
            '{}<p>The first {} of {} cars (by plate) are listed below; <a href="{}">all of them in the vehicles list</a>.</p>',
            link, INLINE_ROWS_SHOWN, cars, all_cars,
        )

    @admin.display(description="services")
    def service_history(self, client):
        # The newest jobs only: a fleet client's full history is thousands of rows, one link away.
        services = list(client_service_history(client=client, newest=INLINE_ROWS_SHOWN + 1))
        if not services:
            return "No services yet."
        more = ""
        if len(services) > INLINE_ROWS_SHOWN:
            services = services[:INLINE_ROWS_SHOWN]
            url = reverse("admin:servicing_service_changelist") + f"?vehicle__client__id__exact={client.pk}"
            more = format_html(
                '<p>The {} newest jobs; <a href="{}">all of this client\'s jobs in the services list</a>.</p>',
                INLINE_ROWS_SHOWN, url,
            )
        rows = format_html_join(
            "",
            '<tr><td><a href="{}">{}</a></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>'
            '<td style="text-align:right">{}</td></tr>',
            (
                (
                    reverse("admin:servicing_service_change", args=[s.pk]), s.service_type,
                    s.vehicle.license_plate or s.vehicle.vin, s.get_status_display(),
                    date_or_dash(s.scheduled_date), date_or_dash(s.completed_date), s.technician or "—", f"{s.cost:,.2f}",
                )
                for s in services
            ),
        )
        return format_html(
            '<table class="service-history"><thead><tr><th>Service</th><th>Vehicle</th><th>Status</th>'
            "<th>Scheduled</th><th>Completed</th><th>Technician</th><th>Cost (KES)</th></tr></thead>"
            "<tbody>{}</tbody></table>{}",
            rows, more,
        )

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)  # the changed columns (StaleEditAdminMixin)
        else:
            client_create(client=obj, by=request.user)
        if "phone" in form.changed_data:
            self._notice_shared_phone(request, obj)

    def _notice_shared_phone(self, request, client):
        # Allowed (a family often shares one phone), but staff should know: texts about either client's
        # cars go to the same phone, and a portal sign-in by it lets the holder choose either of them.
        others = list(clients_sharing_phone(client=client)[:4])
        if not others:
            return
        names = ", ".join(other.full_name for other in others[:3]) + (" and others" if len(others) > 3 else "")
        messages.warning(
            request,
            f"{format_phone_for_display(client.phone)} is also the phone of {names}. Texts about any of their "
            "cars go to this one phone, and a portal sign-in link sent to it lets whoever holds the phone "
            "choose which of them to sign in as (each then sees only their own cars).",
        )

    def save_formset(self, request, form, formset, change):
        formset.by = request.user
        super().save_formset(request, form, formset, change)
        for inline_form in formset.forms:
            for warning in getattr(inline_form, "warnings", []):
                messages.warning(request, warning)

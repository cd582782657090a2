from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from concierge.admin.filters import IndexedValuesListFilter
from concierge.admin.changelists import LargeTableAdminMixin, QuickRowsAdminMixin
from concierge.admin.concurrency import StaleEditAdminMixin, changed_columns
from concierge.admin.once import AddOnceAdminMixin
from concierge.audit.admin_mixins import AuditHistoryMixin
from fleet.models import ReadingSource
from fleet.services import vehicle_mileage_record

from .forms import CollectionForm, ServiceForm, ServiceTypeForm
from .lifecycle import InvalidTransition
from .models import CLIENT_DETAILS_PERMISSION, PRICE_VIEW_PERMISSION, Service, ServiceStatus, ServiceType
from .selectors import board_q, overdue_q, service_search_filter
from .services import (
    BulkTransitionRefused, CollectionRefused, service_change_status, service_change_status_bulk, service_create,
    service_mark_collected, service_type_save, service_update,
)

# Who hands a car back (Front desk, Manager: concierge/accounts/roles.py).
COLLECT_PERMISSION = "servicing.add_servicecollection"

# What a user who may change jobs but not book them (a technician) may still edit.
BOOKING_FIELDS = ("vehicle", "service_type", "description", "scheduled_date")


class DueFilter(admin.SimpleListFilter):
    title = "due"
    parameter_name = "due"

    def lookups(self, request, model_admin):
        # "board": what the job board holds, where its columns link for the cards they do not show.
        return [("today", "Today"), ("overdue", "Overdue"), ("board", "On the job board")]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "today":
            return queryset.filter(scheduled_date=today)
        if self.value() == "overdue":
            return queryset.filter(overdue_q(today=today))
        if self.value() == "board":
            return queryset.filter(board_q(today=today))
        return queryset


class CollectionFilter(admin.SimpleListFilter):
    """Completed jobs whose car is still in the yard, or was collected."""

    title = "collection"
    parameter_name = "collection"

    def lookups(self, request, model_admin):
        return [("waiting", "Completed, not collected"), ("collected", "Collected")]

    def queryset(self, request, queryset):
        if self.value() == "waiting":
            return queryset.filter(status=ServiceStatus.COMPLETED, collection__isnull=True)
        if self.value() == "collected":
            return queryset.filter(collection__isnull=False)
        return queryset


@admin.register(ServiceType)
class ServiceTypeAdmin(AuditHistoryMixin, admin.ModelAdmin):
    """The catalogue staff book from. Managers keep it; a type is retired (Active unticked), never
    deleted, because jobs keep its name."""

    form = ServiceTypeForm
    list_display = ("name", "active", "interval_km", "interval_months", "updated_at")
    list_filter = ("active",)
    search_fields = ("name",)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        service_type_save(service_type=obj)


@admin.register(Service)
class ServiceAdmin(AddOnceAdminMixin, StaleEditAdminMixin, AuditHistoryMixin, QuickRowsAdminMixin, LargeTableAdminMixin, admin.ModelAdmin):
    change_list_template = "admin/servicing/service/change_list.html"  # the job board's link
    change_form_template = "admin/servicing/service/change_form.html"  # Mark collected
    form = ServiceForm
    list_display = ("service_type", "plate", "client", "status", "scheduled_date", "completed_date", "technician", "cost")
    # Type and technician choices through their indexes, not SELECT DISTINCT over every job.
    list_filter = ("status", DueFilter, CollectionFilter, ("service_type", IndexedValuesListFilter),
                   ("technician", IndexedValuesListFilter), "scheduled_date")
    list_select_related = ("vehicle__client",)
    list_deferred = ("description", "notes", "vehicle__metadata", "vehicle__client__email", "vehicle__client__phone",
                     "vehicle__client__address")
    search_fields = ("service_type", "vehicle__license_plate", "vehicle__client__first_name", "vehicle__client__last_name")
    search_help_text = "Plate (with or without the space), client name or phone, or service type."
    autocomplete_fields = ("vehicle",)
    date_hierarchy = "scheduled_date"
    actions = ("start_selected", "complete_selected", "cancel_selected", "mark_selected_collected")
    fieldsets = (
        ("Booking", {"fields": ("vehicle", "service_type", "description", "scheduled_date", "technician", "cost")}),
        ("Progress", {"fields": ("status", "completed_date", "odometer", "notes", "collection_state")}),
        ("Client portal", {"fields": ("portal_status_link",)}),
    )

    @admin.display(description="plate", ordering="vehicle__license_plate")
    def plate(self, service):
        return service.vehicle.license_plate or service.vehicle.vin

    @admin.display(description="client", ordering="vehicle__client__last_name")
    def client(self, service):
        return service.vehicle.client

    @admin.display(description="owner", ordering="vehicle__client__first_name")
    def owner_first_name(self, service):
        return service.vehicle.client.first_name

    @admin.display(description="owner")
    def owner(self, service):
        client = service.vehicle.client
        return format_html('<a href="{}">{}</a>', reverse("admin:clients_client_change", args=[client.pk]), client.full_name)

    @admin.display(description="status link")
    def portal_status_link(self, service):
        if not service.pk:
            return "Save the job first."
        return format_html(
            '<a href="{}">Copy, send or revoke the client\'s status link</a>',
            reverse("admin:portal_portaltoken_status_link", args=[service.pk]),
        )

    @admin.display(description="collection")
    def collection_state(self, service):
        if not service.pk or service.status != ServiceStatus.COMPLETED:
            return "When the job is completed, the car's handover is recorded here."
        collection = getattr(service, "collection", None)
        if collection is not None:
            by = collection.collected_by.get_full_name() if collection.collected_by else "system"
            when = timezone.localtime(collection.collected_at)  # the shop's time (Africa/Nairobi), day first
            note = f" · {collection.note}" if collection.note else ""
            return f"Collected {when:%d/%m/%Y %H:%M} · recorded by {by}{note}"
        # The button (Mark collected, at the top of the page) is for holders of COLLECT_PERMISSION.
        return "Waiting in the yard: not collected yet."

    def has_collect_permission(self, request):
        return request.user.has_perm(COLLECT_PERMISSION)

    def get_urls(self):
        return [
            path("<uuid:service_id>/collected/", self.admin_site.admin_view(self.collected_view),
                 name="servicing_service_collected"),
            *super().get_urls(),
        ]

    def collected_view(self, request, service_id):
        """*Mark collected* on a completed job: a confirmation with an optional note (GET), recorded once
        (POST): a second press, or a colleague's, finds the first record and says so."""
        if not (self.has_collect_permission(request) and self.has_view_permission(request)):
            raise PermissionDenied
        service = get_object_or_404(Service.objects.select_related("vehicle__client"), pk=service_id)
        change_url = reverse("admin:servicing_service_change", args=[service.pk])
        form = CollectionForm(request.POST if request.method == "POST" else None)
        error = ""
        if request.method == "POST" and form.is_valid():
            try:
                collection, created = service_mark_collected(service=service, by=request.user,
                                                             note=form.cleaned_data["note"])
            except CollectionRefused as refused:
                error = str(refused)
            else:
                plate = service.vehicle.license_plate or service.vehicle.vin
                if created:
                    self.message_user(request, f"{plate}: collected.", messages.SUCCESS)
                else:
                    when = timezone.localtime(collection.collected_at)
                    self.message_user(request, f"{plate} was already recorded as collected at {when:%d/%m/%Y %H:%M}; "
                                               "nothing changed.", messages.WARNING)
                return redirect(change_url)
        elif service.status != ServiceStatus.COMPLETED:
            error = f"Only a completed job's car is collected; this job is {service.get_status_display().lower()}."
        context = {
            **self.admin_site.each_context(request), "title": "Mark the car collected", "opts": self.opts,
            "service": service, "form": form, "error": error, "change_url": change_url,
            "already": getattr(service, "collection", None),
            "owner": (service.vehicle.client.full_name if request.user.has_perm(CLIENT_DETAILS_PERMISSION)
                      else service.vehicle.client.first_name),
        }
        # Reached on a POST only when nothing was recorded: refused, or the note too long.
        return TemplateResponse(request, "admin/servicing/service/collected.html", context,
                                status=400 if request.method == "POST" else 200)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        # Mark collected, in the page's object tools: a completed job's car not collected yet.
        if (obj is not None and obj.status == ServiceStatus.COMPLETED and self.has_collect_permission(request)
                and getattr(obj, "collection", None) is None):
            context["collect_url"] = reverse("admin:servicing_service_collected", args=[obj.pk])
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)

    # Roles. Permission rows say who may change a job at all; these say which parts of it, and what a
    # role sees: without clients.view_client the owner is a first name (no surname, no contact, no
    # status link to send them); without view_service_price there is no cost anywhere on the page.
    def get_list_display(self, request):
        columns = list(super().get_list_display(request))
        if not request.user.has_perm(CLIENT_DETAILS_PERMISSION):
            columns[columns.index("client")] = "owner_first_name"
        if not request.user.has_perm(PRICE_VIEW_PERMISSION):
            columns.remove("cost")
        return columns

    def get_fieldsets(self, request, obj=None):
        sees_client = request.user.has_perm(CLIENT_DETAILS_PERMISSION)
        sees_price = request.user.has_perm(PRICE_VIEW_PERMISSION)
        fieldsets = []
        for name, options in super().get_fieldsets(request, obj):
            fields = [f for f in options["fields"] if sees_price or f != "cost"]
            if name == "Booking" and obj is not None:
                fields.insert(1, "owner" if sees_client else "owner_first_name")
            if name == "Client portal" and not sees_client:
                continue
            fieldsets.append((name, {**options, "fields": fields}))
        return fieldsets

    def history_hidden_fields(self, request):
        return set() if request.user.has_perm(PRICE_VIEW_PERMISSION) else {"cost"}

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj)) + ["portal_status_link", "owner", "owner_first_name",
                                                                      "collection_state"]
        if not request.user.has_perm("servicing.change_service_price"):
            readonly.append("cost")
        if obj is not None and not request.user.has_perm("servicing.add_service"):
            readonly.extend(BOOKING_FIELDS)
        return readonly

    def lookup_allowed(self, lookup, value, request=None):
        # The client page links here with all of the client's jobs (its history shows the newest only).
        if lookup == "vehicle__client__id__exact":
            return True
        return super().lookup_allowed(lookup, value, request)

    def get_search_results(self, request, queryset, search_term):
        # Our own search (selectors.service_search_filter): the same fields as search_fields, without
        # the admin's OR across three joined tables. search_fields stays set so the search box shows.
        matched = service_search_filter(search_term, owner_details=request.user.has_perm(CLIENT_DETAILS_PERMISSION))
        if matched is None:
            return queryset, False
        return queryset.filter(matched), False

    def save_model(self, request, obj, form, change):
        """A new job is booked through service_create (its service_created signal). An edited job's
        changed columns are written through service_update, all but the status, which then goes through
        service_change_status with the user as `by`: it compares under its row lock and does nothing
        for the status the job already has (the form saved twice at once, or opened before the job
        moved on the board, asks for a status the job has; no second event, no second text).
        """
        odometer = form.cleaned_data.get("odometer")
        if not change:
            service_create(service=obj, by=request.user, mileage=odometer)
            return
        # Locked by the form's stale-edit check in this request's transaction.
        stored = form.locked_row or Service.objects.select_for_update().get(pk=obj.pk)
        moving = obj.status != stored.status
        # A move sets the completion date itself (the one typed, or today); without a move, a typed
        # completion date is an edit like any other.
        lifecycle = {"status", "completed_date"} if moving else {"status"}
        service_update(service=obj, fields=[f for f in changed_columns(obj, stored) if f not in lifecycle])
        if moving:
            # Checked by the form already; a refusal here means the job moved on in a way the form could
            # not see. The admin's change view is atomic: the exception also undoes the columns above.
            service_change_status(service=obj, status=obj.status, by=request.user, completed_date=obj.completed_date,
                                  mileage=odometer)
        # Read at some other moment (work started, a note added): a plain reading of the car.
        if odometer is not None and not (moving and obj.status == ServiceStatus.COMPLETED):
            vehicle_mileage_record(vehicle=obj.vehicle, mileage=odometer, source=ReadingSource.ADMIN, by=request.user)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except InvalidTransition as error:
            self.message_user(request, f"Nothing saved: {error}", messages.ERROR)
            return redirect(request.get_full_path())

    # Bulk actions: all or nothing, each refused row named.
    def _change_selected(self, request, queryset, status, verb):
        services = list(queryset.select_related("vehicle").order_by("scheduled_date", "created_at"))
        try:
            changed, unchanged = service_change_status_bulk(services=services, status=status, by=request.user)
        except BulkTransitionRefused as refused:
            self.message_user(
                request,
                # One error; the refused jobs as lines in it. A <ul> inside a message is drawn by the admin's
                # CSS as more (green, success-styled) messages inside the red one.
                format_html(
                    "Nothing changed: {} of the {} selected jobs cannot be {}.{}",
                    len(refused.refused), len(services), verb,
                    format_html_join("", "<br>{} ({}): {}",
                                     ((s.service_type, s.vehicle.license_plate or s.vehicle.vin, reason)
                                      for s, reason in refused.refused)),
                ),
                messages.ERROR,
            )
            return
        already = f" {unchanged} already {verb}: left as they were." if unchanged else ""
        self.message_user(request, f"{changed} job(s) {verb}.{already}", messages.SUCCESS)

    @admin.action(description="Start selected jobs", permissions=["change"])
    def start_selected(self, request, queryset):
        self._change_selected(request, queryset, ServiceStatus.IN_PROGRESS, "started")

    @admin.action(description="Complete selected jobs (completed today)", permissions=["change"])
    def complete_selected(self, request, queryset):
        self._change_selected(request, queryset, ServiceStatus.COMPLETED, "completed")

    @admin.action(description="Cancel selected jobs", permissions=["change"])
    def cancel_selected(self, request, queryset):
        self._change_selected(request, queryset, ServiceStatus.CANCELLED, "cancelled")

    @admin.action(description="Mark selected cars collected (completed jobs)", permissions=["collect"])
    def mark_selected_collected(self, request, queryset):
        """All or nothing, like the status actions: one job not completed and none is recorded."""
        services = list(queryset.select_related("vehicle").order_by("completed_date", "created_at"))
        refused = [s for s in services if s.status != ServiceStatus.COMPLETED]
        if refused:
            self.message_user(
                request,
                format_html(
                    "Nothing recorded: {} of the {} selected jobs are not completed.{}", len(refused), len(services),
                    format_html_join("", "<br>{} ({}): {}", ((s.service_type, s.vehicle.license_plate or s.vehicle.vin,
                                                             s.get_status_display().lower()) for s in refused)),
                ),
                messages.ERROR,
            )
            return
        recorded = 0
        try:
            with transaction.atomic():
                for service in services:
                    recorded += service_mark_collected(service=service, by=request.user)[1]
        except CollectionRefused as error:  # a job moved meanwhile (it was cancelled): nothing recorded
            self.message_user(request, f"Nothing recorded: {error}", messages.ERROR)
            return
        already = len(services) - recorded
        tail = f" {already} already collected: left as they were." if already else ""
        self.message_user(request, f"{recorded} car(s) collected.{tail}", messages.SUCCESS)

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from concierge.admin.filters import IndexedValuesListFilter
from concierge.admin.changelists import LargeTableAdminMixin, QuickRowsAdminMixin
from concierge.admin.concurrency import StaleEditAdminMixin
from concierge.audit.admin_mixins import AuditHistoryMixin

from .forms import ServiceForm, ServiceTypeForm
from .lifecycle import InvalidTransition, next_status
from .models import CLIENT_DETAILS_PERMISSION, PRICE_VIEW_PERMISSION, Service, ServiceStatus, ServiceType
from . import selectors
from .selectors import board_columns, board_q, overdue_q, service_search_filter
from .services import BulkTransitionRefused, service_change_status, service_change_status_bulk, service_type_save

# The wall screen reloads itself this often (a <meta> refresh: no script needed).
BOARD_REFRESH_SECONDS = 60
# Stands for a job's id in its URLs, reversed once per board (a UUID, as the <uuid:...> converter wants).
BOARD_URL_KEY = "00000000-0000-0000-0000-00000000beef"

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


@admin.register(ServiceType)
class ServiceTypeAdmin(AuditHistoryMixin, admin.ModelAdmin):
    """The catalogue staff book from. Managers keep it; a type is retired (Active unticked), never
    deleted, because jobs keep its name."""

    form = ServiceTypeForm
    list_display = ("name", "active", "updated_at")
    list_filter = ("active",)
    search_fields = ("name",)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        service_type_save(service_type=obj)


@admin.register(Service)
class ServiceAdmin(StaleEditAdminMixin, AuditHistoryMixin, QuickRowsAdminMixin, LargeTableAdminMixin, admin.ModelAdmin):
    change_list_template = "admin/servicing/service/change_list.html"  # the job board's link
    form = ServiceForm
    list_display = ("service_type", "plate", "client", "status", "scheduled_date", "completed_date", "technician", "cost")
    # Type and technician choices through their indexes, not SELECT DISTINCT over every job.
    list_filter = ("status", DueFilter, ("service_type", IndexedValuesListFilter),
                   ("technician", IndexedValuesListFilter), "scheduled_date")
    list_select_related = ("vehicle__client",)
    list_deferred = ("description", "notes", "vehicle__metadata", "vehicle__client__email", "vehicle__client__phone",
                     "vehicle__client__address")
    search_fields = ("service_type", "vehicle__license_plate", "vehicle__client__first_name", "vehicle__client__last_name")
    search_help_text = "Plate (with or without the space), client name or phone, or service type."
    autocomplete_fields = ("vehicle",)
    date_hierarchy = "scheduled_date"
    actions = ("start_selected", "complete_selected", "cancel_selected")
    fieldsets = (
        ("Booking", {"fields": ("vehicle", "service_type", "description", "scheduled_date", "technician", "cost")}),
        ("Progress", {"fields": ("status", "completed_date", "notes")}),
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
            reverse("admin:clients_portaltoken_status_link", args=[service.pk]),
        )

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
        readonly = list(super().get_readonly_fields(request, obj)) + ["portal_status_link", "owner", "owner_first_name"]
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
        """Save the fields the user changed (StaleEditAdminMixin), then hand the status to the lifecycle.

        The status and, with it, the completion date are never written from the form: the form saved
        twice at once, or opened before the job moved on the board, would write back the status it was
        opened with and the lifecycle would then see a change, and send its event and text, again.
        service_change_status compares under its row lock and does nothing for the status the job has.
        """
        if not change:
            return super().save_model(request, obj, form, change)
        # Locked by the form's stale-edit check in this request's transaction.
        stored = form.locked_row or Service.objects.select_for_update().get(pk=obj.pk)
        wanted, typed_completed = obj.status, obj.completed_date
        if wanted != stored.status:
            obj.status, obj.completed_date = stored.status, stored.completed_date
        super().save_model(request, obj, form, change)
        # Checked by the form already; a refusal here means the job moved on in a way the form could not
        # see. The admin's change view is atomic, so the exception also undoes the fields saved above.
        service_change_status(service=obj, status=wanted, by=request.user, completed_date=typed_completed)

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

    # The job board.
    def get_urls(self):
        return [
            path("board/", self.admin_site.admin_view(self.board_view), name="servicing_service_board"),
            path("<uuid:object_id>/advance/", self.admin_site.admin_view(self.advance_view),
                 name="servicing_service_advance"),
            *super().get_urls(),
        ]

    def board_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        today = timezone.localdate()
        columns = board_columns(today=today)
        changelist = reverse("admin:servicing_service_changelist")
        # Each card links to its job and posts to its advance URL: reversed once, the job's id put in
        # (a reverse() per card was a tenth of the board's time).
        change_url = reverse("admin:servicing_service_change", args=[BOARD_URL_KEY])
        advance_url = reverse("admin:servicing_service_advance", args=[BOARD_URL_KEY])
        for column in columns:
            column.all_url = f"{changelist}?due=board&status__exact={column.status}"
            for card in column.cards:
                card.change_url = change_url.replace(BOARD_URL_KEY, str(card.service.pk))
                card.advance_url = advance_url.replace(BOARD_URL_KEY, str(card.service.pk))
        context = {
            **self.admin_site.each_context(request),
            "title": f"Job board · {today:%A %d %B %Y}",
            "columns": columns,
            "per_column": selectors.BOARD_CARDS_PER_COLUMN,
            "now": timezone.now(),
            "can_move": self.has_change_permission(request),
            "owner_full_name": request.user.has_perm(CLIENT_DETAILS_PERMISSION),
            "refresh_seconds": BOARD_REFRESH_SECONDS,
            "opts": self.opts,
        }
        return TemplateResponse(request, "admin/servicing/board.html", context)

    def advance_view(self, request, object_id):
        """Move one card to its next column. The form posts the status the card showed, so a stale wall
        screen cannot push a job two steps: the lifecycle refuses if someone moved it meanwhile."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_change_permission(request):
            raise PermissionDenied
        service = get_object_or_404(Service.objects.select_related("vehicle"), pk=object_id)
        shown = request.POST.get("from_status")
        target = next_status(shown) if shown in ServiceStatus.values else None
        if target is None:
            self.message_user(request, "That job has no next step.", messages.ERROR)
            return redirect(reverse("admin:servicing_service_board"))
        try:
            changed = service_change_status(service=service, status=target, by=request.user)
        except InvalidTransition as error:
            self.message_user(request, f"{service.vehicle.license_plate}: {error}", messages.ERROR)
        else:
            if not changed:  # someone moved it there first: nothing to do, and nobody is told twice
                self.message_user(
                    request, f"{service.vehicle.license_plate}: the job is already {target.label.lower()}.",
                    messages.WARNING,
                )
                return redirect(reverse("admin:servicing_service_board"))
            self.message_user(
                request, f"{service.vehicle.license_plate} · {service.service_type}: {target.label.lower()}.",
                messages.SUCCESS,
            )
        return redirect(reverse("admin:servicing_service_board"))


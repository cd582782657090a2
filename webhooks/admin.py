from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from concierge.admin.readonly import ViewOnlyAdminMixin

from .forms import EndpointForm
from .models import Delivery, Endpoint, EndpointState
from .services import delivery_redeliver, endpoint_create, endpoint_pause, endpoint_resume

SECRET_PERMISSION = "webhooks.view_endpoint_secret"
REDELIVER_PERMISSION = "webhooks.redeliver_delivery"


def _staff(request: HttpRequest) -> Any:
    return request.user if request.user.is_authenticated else None


@admin.register(Endpoint)
class EndpointAdmin(admin.ModelAdmin):
    form = EndpointForm
    list_display = ("name", "host", "state", "event_list", "failing_since", "last_success_at", "paused_reason")
    list_filter = ("state",)
    search_fields = ("name",)
    actions = ["pause_selected", "resume_selected"]
    base_readonly = ("state", "paused_at", "paused_reason", "failing_since", "last_success_at", "created_at", "created_by")

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields: list[str] = ["name", "url", "events"]
        if obj is None:
            return fields
        if request.user.has_perm(SECRET_PERMISSION):
            fields.append("signing_secret")
        return [*fields, *self.base_readonly]

    def get_readonly_fields(self, request: HttpRequest, obj: Endpoint | None = None) -> list[str]:
        if obj is None:
            return []
        extra = ["signing_secret"] if request.user.has_perm(SECRET_PERMISSION) else []
        return [*extra, *self.base_readonly]

    @admin.display(description="host")
    def host(self, endpoint: Endpoint) -> str:
        # The host only: a receiver's URL may carry its own token in the path or query.
        from urllib.parse import urlsplit

        return urlsplit(endpoint.url).hostname or "?"

    @admin.display(description="events")
    def event_list(self, endpoint: Endpoint) -> str:
        return ", ".join(endpoint.events)

    @admin.display(description="signing secret")
    def signing_secret(self, endpoint: Endpoint) -> str:
        # Shown to managers only (get_fields), folded away so it is not on screen by default.
        return format_html("<details><summary>Show</summary><code>{}</code></details>"
                           "<p class='help'>Copy it into the receiver; it checks every delivery with it "
                           "(docs/webhooks.md, “Verifying a delivery”).</p>", endpoint.secret)

    def save_model(self, request: HttpRequest, obj: Endpoint, form: Any, change: bool) -> None:
        if change:
            obj.save(update_fields=["name", "url", "events"])
            return
        created = endpoint_create(name=obj.name, url=obj.url, events=list(obj.events), by=_staff(request))
        obj.pk, obj.secret, obj._state = created.pk, created.secret, created._state

    def response_add(self, request: HttpRequest, obj: Endpoint, post_url_continue: str | None = None) -> HttpResponse:
        # To its page, where a manager copies the secret the shop just made.
        self.message_user(request, f"Endpoint “{obj.name}” added. Copy its signing secret into the receiver.",
                          messages.SUCCESS)
        return redirect("admin:webhooks_endpoint_change", obj.pk)

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        if request.method == "GET":
            for endpoint in Endpoint.objects.filter(state=EndpointState.PAUSED).order_by("name"):
                self.message_user(request, f"“{endpoint.name}” is paused: {endpoint.paused_reason} "
                                           "Its deliveries are held until it is resumed.", messages.WARNING)
        return super().changelist_view(request, extra_context)

    @admin.action(description="Pause the selected endpoints (deliveries are held)", permissions=["change"])
    def pause_selected(self, request: HttpRequest, queryset: QuerySet[Endpoint]) -> None:
        paused = sum(endpoint_pause(endpoint=e, by=_staff(request)) for e in queryset)
        self.message_user(request, f"{paused} endpoint(s) paused.", messages.SUCCESS)

    @admin.action(description="Resume the selected endpoints (held deliveries are sent)", permissions=["change"])
    def resume_selected(self, request: HttpRequest, queryset: QuerySet[Endpoint]) -> None:
        for endpoint in queryset:
            queued = endpoint_resume(endpoint=endpoint, by=_staff(request))
            if queued is not None:
                self.message_user(request, f"“{endpoint.name}” resumed: {queued} held delivery(ies) queued.",
                                  messages.SUCCESS)


@admin.register(Delivery)
class DeliveryAdmin(ViewOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("created_at", "endpoint", "event_type", "state", "response_code", "attempts", "last_attempt_at",
                    "last_error")
    list_filter = ("endpoint", "state", "event_type")
    list_select_related = ("endpoint",)
    search_fields = ("=event_id",)
    fields = ("endpoint", "event_id", "event_type", "state", "attempts", "response_code", "last_error",
              "last_attempt_at", "next_attempt_at", "delivered_at", "created_at", "redelivery_of", "created_by", "body")
    readonly_fields = fields
    actions = ["redeliver_selected"]
    change_form_template = "admin/webhooks/delivery/change_form.html"

    def has_redeliver_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(REDELIVER_PERMISSION)

    @admin.action(description="Redeliver the selected events (a new delivery of each)", permissions=["redeliver"])
    def redeliver_selected(self, request: HttpRequest, queryset: QuerySet[Delivery]) -> None:
        made = [delivery_redeliver(delivery=d, by=_staff(request)) for d in queryset.select_related("endpoint")]
        self.message_user(request, f"{len(made)} new delivery(ies) queued.", messages.SUCCESS)

    def get_urls(self) -> list:
        return [
            path("<uuid:delivery_id>/redeliver/", self.admin_site.admin_view(require_POST(self.redeliver_view)),
                 name="webhooks_delivery_redeliver"),
            *super().get_urls(),
        ]

    def redeliver_view(self, request: HttpRequest, delivery_id: str) -> HttpResponse:
        if not self.has_redeliver_permission(request):
            raise PermissionDenied
        delivery = get_object_or_404(Delivery, pk=delivery_id)
        again = delivery_redeliver(delivery=delivery, by=_staff(request))
        self.message_user(request, "A new delivery of the event is queued.", messages.SUCCESS)
        return redirect(reverse("admin:webhooks_delivery_change", args=[again.pk]))

    def render_change_form(self, request: HttpRequest, context: dict, *args: Any, **kwargs: Any) -> HttpResponse:
        obj = context.get("original")
        if obj is not None and self.has_redeliver_permission(request):
            context["redeliver_url"] = reverse("admin:webhooks_delivery_redeliver", args=[obj.pk])
        return super().render_change_form(request, context, *args, **kwargs)

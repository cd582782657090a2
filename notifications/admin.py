from django.contrib import admin, messages
from django.db.models import Q
from django.contrib.admin import helpers
from django.template.response import TemplateResponse

from concierge.admin.changelists import LargeTableAdminMixin, QuickRowsAdminMixin
from concierge.admin.readonly import ViewOnlyAdminMixin

from .models import (
    ConsentChange, DeliveryReport, DeliveryState, InboundMessage, Notification, NotificationStatus, NotificationType,
    PhoneConsent,
)
from .services import notification_resend_uncertain, notification_retry


class DeliveredFilter(admin.SimpleListFilter):
    """Delivered (the network said so) or not: refused before the network, or the network failed it.
    "Awaiting a report": the provider took it and no final report has come yet."""

    title = "delivery"
    parameter_name = "delivered"

    def lookups(self, request, model_admin):
        return [("yes", "Delivered"), ("no", "Not delivered"), ("awaiting", "Awaiting a delivery report")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(delivery_state=DeliveryState.DELIVERED)
        if self.value() == "no":
            # The WHERE of notifications_undelivered_idx, so the list reads that index.
            return queryset.filter(Q(status=NotificationStatus.FAILED) | Q(delivery_state=DeliveryState.FAILED))
        if self.value() == "awaiting":
            return queryset.filter(status=NotificationStatus.SENT, channel=NotificationType.SMS,
                                   delivery_state__in=["", DeliveryState.PENDING])
        return queryset


@admin.register(Notification)
class NotificationAdmin(QuickRowsAdminMixin, LargeTableAdminMixin, admin.ModelAdmin):
    # Three million rows at scale 10: see LargeTableAdminMixin (estimated or bounded counts, rows made
    # once per column).
    list_display = ("channel", "category", "client", "user", "status", "delivery_state", "delivery_uncertain", "created_at",
                    "sent_at", "attempts", "error", "delivery_reason")
    list_filter = ("channel", "category", "language", "status", DeliveredFilter, "delivery_uncertain")
    list_select_related = ("client", "user")
    list_deferred = ("message", "client__email", "client__phone", "client__address")
    raw_id_fields = ("client", "vehicle", "service", "user")
    readonly_fields = ("created_at", "sent_at", "attempts", "claimed_at", "next_attempt_at", "error",
                       "delivery_uncertain", "provider_message_id", "delivery_state", "delivery_status",
                       "delivery_reason", "delivery_reported_at")
    actions = ["retry_failed", "resend_uncertain"]

    @admin.action(description="Send the selected failed notifications again", permissions=["change"])
    def retry_failed(self, request, queryset):
        # Only those that provably did not go out; uncertain ones have their own, confirmed action.
        retried = sum(notification_retry(notification=n) for n in queryset.filter(
            status=NotificationStatus.FAILED, delivery_uncertain=False))
        skipped = queryset.filter(status=NotificationStatus.FAILED, delivery_uncertain=True).count()
        messages.success(request, f"{retried} notification(s) queued again.")
        if skipped:
            messages.warning(request, f"{skipped} uncertain notification(s) left alone: the client may already "
                                      "have them. Use “Resend notifications whose delivery is uncertain” to decide.")

    @admin.action(description="Resend notifications whose delivery is uncertain…", permissions=["change"])
    def resend_uncertain(self, request, queryset):
        """Like Django's delete action: a confirmation page first (the client may get the message twice),
        then one resend per row; a second press finds them no longer uncertain and sends nothing."""
        uncertain = queryset.filter(status=NotificationStatus.FAILED, delivery_uncertain=True).select_related(
            "client", "user")
        if request.POST.get("post") == "yes":
            resent = sum(notification_resend_uncertain(notification=n) for n in uncertain)
            if resent:
                messages.success(request, f"{resent} notification(s) queued to be sent again.")
            else:
                messages.info(request, "Nothing resent: the selected notifications are no longer uncertain "
                                       "(already resent, or delivered).")
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": "Resend notifications whose delivery is uncertain?",
            "opts": self.model._meta,
            "notifications": list(uncertain[:500]),  # the list shown; the count says how many go
            "count": uncertain.count(),
            "selected": queryset.values_list("pk", flat=True),
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "media": self.media,
        }
        return TemplateResponse(request, "admin/notifications/notification/resend_uncertain.html", context)


@admin.register(DeliveryReport)
class DeliveryReportAdmin(ViewOnlyAdminMixin, admin.ModelAdmin):
    """Every delivery report as received, read-only: staff inspect those for unknown ids or refused."""

    list_display = ("received_at", "provider_message_id", "status", "failure_reason", "phone_masked", "outcome",
                    "detail", "notification_id")
    list_filter = ("outcome", "status")
    search_fields = ("=provider_message_id",)
    fields = ("received_at", "provider_message_id", "status", "failure_reason", "phone_masked", "fields",
              "processed_at", "outcome", "detail", "notification_id")
    readonly_fields = fields



@admin.register(InboundMessage)
class InboundMessageAdmin(ViewOnlyAdminMixin, admin.ModelAdmin):
    """The owners' texts to the shop's number as received (keyword only; the number masked)."""

    list_display = ("received_at", "phone_masked", "keyword", "outcome", "detail", "provider_message_id")
    list_filter = ("outcome", "keyword")
    search_fields = ("=provider_message_id",)
    fields = ("received_at", "provider_message_id", "phone_masked", "to", "provider_date", "link_id", "keyword",
              "processed_at", "outcome", "detail", "confirmation_id")
    readonly_fields = fields


@admin.register(PhoneConsent)
class PhoneConsentAdmin(ViewOnlyAdminMixin, admin.ModelAdmin):
    """Each number's current consent; changed by the owner's reply or from the client's page."""

    list_display = ("phone_masked", "opted_out", "changed_at", "method", "keyword", "changed_by")
    list_filter = ("opted_out", "method")
    fields = list_display
    readonly_fields = fields


@admin.register(ConsentChange)
class ConsentChangeAdmin(ViewOnlyAdminMixin, admin.ModelAdmin):
    """The history of every change of consent: who, when, how."""

    list_display = ("at", "phone_masked", "opted_out", "method", "keyword", "changed_by", "note")
    list_filter = ("opted_out", "method")
    fields = ("at", "phone_masked", "opted_out", "method", "keyword", "changed_by", "inbound", "note")
    readonly_fields = fields

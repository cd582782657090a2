from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.template.response import TemplateResponse

from concierge.admin.changelists import LargeTableAdminMixin, QuickRowsAdminMixin

from .models import Notification, NotificationStatus
from .services import notification_resend_uncertain, notification_retry


@admin.register(Notification)
class NotificationAdmin(QuickRowsAdminMixin, LargeTableAdminMixin, admin.ModelAdmin):
    # Three million rows at scale 10: see LargeTableAdminMixin (estimated or bounded counts, rows made
    # once per column).
    list_display = ("channel", "client", "user", "status", "delivery_uncertain", "created_at", "sent_at",
                    "attempts", "error")
    list_filter = ("channel", "status", "delivery_uncertain")
    list_select_related = ("client", "user")
    list_deferred = ("message", "client__email", "client__phone", "client__address")
    raw_id_fields = ("client", "vehicle", "service", "user")
    readonly_fields = ("created_at", "sent_at", "attempts", "claimed_at", "next_attempt_at", "error",
                       "delivery_uncertain", "provider_message_id")
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

from django.contrib import admin, messages

from concierge.admin.changelists import LargeTableAdminMixin

from .models import Notification, NotificationStatus
from .services import notification_retry


@admin.register(Notification)
class NotificationAdmin(LargeTableAdminMixin, admin.ModelAdmin):
    # Three million rows at scale 10: see LargeTableAdminMixin (estimated or bounded counts, rows made
    # once per column).
    list_display = ("channel", "client", "user", "status", "created_at", "sent_at", "attempts", "error")
    list_filter = ("channel", "status")
    list_select_related = ("client", "user")
    list_deferred = ("message", "client__email", "client__phone", "client__address")
    raw_id_fields = ("client", "vehicle", "service", "user")
    readonly_fields = ("created_at", "sent_at", "attempts", "claimed_at", "next_attempt_at", "error", "provider_message_id")
    actions = ["retry_failed"]

    @admin.action(description="Send the selected failed notifications again")
    def retry_failed(self, request, queryset):
        retried = sum(notification_retry(notification=n) for n in queryset.filter(status=NotificationStatus.FAILED))
        messages.success(request, f"{retried} notification(s) queued again.")

from django.contrib import admin

from .models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("channel", "client", "status", "sent_at")
    list_filter = ("channel", "status")
    list_select_related = ("client",)
    raw_id_fields = ("client", "vehicle", "service")

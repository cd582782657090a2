from django.contrib import admin

from .models import Service


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ("service_type", "vehicle", "status", "scheduled_date", "completed_date", "technician", "cost")
    list_filter = ("status", "service_type")
    list_select_related = ("vehicle",)
    search_fields = ("service_type", "vehicle__license_plate")
    autocomplete_fields = ("vehicle",)
    date_hierarchy = "scheduled_date"

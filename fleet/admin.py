from django.contrib import admin

from servicing.models import Service

from .models import Vehicle


class ServiceInline(admin.TabularInline):
    model = Service
    extra = 0
    fields = ("service_type", "status", "scheduled_date", "completed_date", "cost", "technician")
    show_change_link = True


@admin.register(Vehicle)
class VehicleAdmin(admin.ModelAdmin):
    list_display = ("license_plate", "make", "model", "year", "client", "mileage")
    list_filter = ("make",)
    list_select_related = ("client",)
    search_fields = ("license_plate", "vin", "make", "model", "client__last_name")
    autocomplete_fields = ("client",)
    inlines = [ServiceInline]

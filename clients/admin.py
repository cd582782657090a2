from django.contrib import admin

from fleet.models import Vehicle

from .models import Client


class VehicleInline(admin.TabularInline):
    model = Vehicle
    extra = 0
    fields = ("license_plate", "make", "model", "year", "vin", "mileage")
    show_change_link = True


@admin.register(Client)
class ClientAdmin(admin.ModelAdmin):
    list_display = ("last_name", "first_name", "email", "phone", "consent_gdpr", "created_at")
    list_filter = ("consent_gdpr",)
    search_fields = ("first_name", "last_name", "email", "phone")
    inlines = [VehicleInline]

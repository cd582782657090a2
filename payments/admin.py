"""Payments in the staff admin. The ledger is read-only here (the database refuses changes too):
rows are written by payments.services only."""

from django.contrib import admin

from concierge.admin.readonly import ViewOnlyAdminMixin
from concierge.audit.admin_mixins import AuditHistoryMixin

from .models import Payment


@admin.register(Payment)
class PaymentAdmin(AuditHistoryMixin, ViewOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("received_at", "invoice", "kind", "method", "amount", "reference", "recorded_by")
    list_filter = ("kind", "method", "received_at")
    search_fields = ("reference",)
    date_hierarchy = "received_at"
    list_select_related = ("invoice", "recorded_by")
    fields = ("invoice", "client", "kind", "method", "amount", "reference", "received_at", "recorded_by", "note",
              "created_at")
    readonly_fields = fields

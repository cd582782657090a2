"""Staff's view of portal links: who holds one, for what, and a Revoke action. Raw tokens are never shown."""

from django.contrib import admin, messages

from .models import PortalToken
from .services import status_links_revoke


@admin.register(PortalToken)
class PortalTokenAdmin(admin.ModelAdmin):
    list_display = ("client", "purpose", "service", "created_at", "expires_at", "used_at", "revoked_at")
    list_filter = ("purpose", ("revoked_at", admin.EmptyFieldListFilter))
    list_select_related = ("client", "service__vehicle")
    search_fields = ("client__first_name", "client__last_name", "service__vehicle__license_plate")
    raw_id_fields = ("client", "service")
    readonly_fields = ("client", "purpose", "service", "created_at", "expires_at", "used_at", "revoked_at")
    fields = readonly_fields
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False  # links are issued by the portal and by the status-link service, with a raw token to send

    @admin.action(description="Revoke the selected links", permissions=["change"])
    def revoke(self, request, queryset):
        count = status_links_revoke(tokens=queryset)
        self.message_user(request, f"Revoked {count} link(s).", messages.SUCCESS)

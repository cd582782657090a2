"""Staff's side of portal links: the list (who holds one, for what) with a Revoke action, and a page
to copy or resend a service's status link. Raw tokens are shown once, when made, and never stored."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from notifications.models import NotificationType
from servicing.models import Service

from .models import PortalToken, TokenPurpose
from .services import status_link_send, status_link_url, status_links_revoke
from .tokens import NoJobOwner

NO_JOB_OWNER = ("No link made: the client who owned this car when the job was booked is no longer on file, "
                "and a status link goes only to the job's own client.")


@admin.register(PortalToken)
class PortalTokenAdmin(admin.ModelAdmin):
    list_display = ("client", "purpose", "service", "created_at", "expires_at", "used_at", "revoked_at")
    list_filter = ("purpose", ("revoked_at", admin.EmptyFieldListFilter))
    list_select_related = ("client", "service__vehicle")
    search_fields = ("client__first_name", "client__last_name", "service__vehicle__license_plate")
    readonly_fields = ("client", "purpose", "service", "created_at", "expires_at", "used_at", "revoked_at")
    fields = readonly_fields
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False  # links are made with a raw token to hand over: see status_link_view

    @admin.action(description="Revoke the selected links", permissions=["change"])
    def revoke(self, request, queryset):
        count = status_links_revoke(tokens=queryset)
        self.message_user(request, f"Revoked {count} link(s).", messages.SUCCESS)

    def get_urls(self):
        return [
            path("status-link/<uuid:service_id>/", self.admin_site.admin_view(self.status_link_view),
                 name="portal_portaltoken_status_link"),
        ] + super().get_urls()

    def status_link_view(self, request, service_id):
        """GET: the service's links so far. POST `make`: a new link to copy; POST `send`: text or email it."""
        # Sending a client their link is contact with the client: front desk and managers, who see
        # clients, not technicians (docs/staff-guide.md, "Roles").
        if not (request.user.has_perm("servicing.change_service") and request.user.has_perm("clients.view_client")):
            raise PermissionDenied
        service = get_object_or_404(Service.objects.select_related("vehicle__client"), pk=service_id)
        new_url = None
        if request.method == "POST":
            if "send" in request.POST:
                channel = NotificationType.EMAIL if request.POST["send"] == "email" else NotificationType.SMS
                try:
                    sent = status_link_send(service=service, channel=channel)
                except NoJobOwner:
                    self.message_user(request, NO_JOB_OWNER, messages.ERROR)
                    return redirect(request.path)
                self.message_user(request, f"Status link queued by {channel.label} to {sent.client.first_name if sent.client else 'the client'}.",
                                  messages.SUCCESS)
                return redirect(request.path)
            if "revoke_all" in request.POST:
                count = status_links_revoke(tokens=PortalToken.objects.filter(service=service))
                self.message_user(request, f"Revoked {count} link(s) to this service.", messages.SUCCESS)
                return redirect(request.path)
            try:
                new_url = status_link_url(service=service)
            except NoJobOwner:
                self.message_user(request, NO_JOB_OWNER, messages.ERROR)
                return redirect(request.path)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Status link: {service}",
            "service": service,
            "new_url": new_url,
            "links": PortalToken.objects.filter(service=service, purpose=TokenPurpose.STATUS_LINK),
            "service_change_url": reverse("admin:servicing_service_change", args=[service.pk]),
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "portal/admin_status_link.html", context)

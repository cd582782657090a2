"""The data-subject requests on the client admin page: export (access) and erasure, for staff holding
the permissions. The permissions stay the audit app's (audit.export_personal_data,
audit.erase_personal_data): staff roles and existing groups hold them by that name."""

from typing import TYPE_CHECKING, Any

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse

from concierge.audit.ledger import LedgerError

from .export import client_export_html, client_export_json
from .services import client_erase

EXPORT_PERMISSION = "audit.export_personal_data"
ERASE_PERMISSION = "audit.erase_personal_data"

# Mixed into the client's ModelAdmin and using its attributes (opts, admin_site, message_user, ...): type
# checkers see a ModelAdmin, as concierge/audit/admin_mixins.py does; at run time a plain mixin.
if TYPE_CHECKING:
    _ModelAdminBase = admin.ModelAdmin[Any]
else:
    _ModelAdminBase = object


class PersonalDataAdminMixin(_ModelAdminBase):
    """Export and erasure of one client's personal data, for staff holding the permissions."""

    actions = ["export_personal_data", "erase_personal_data"]

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        wrap = self.admin_site.admin_view
        return [
            path("<path:object_id>/personal-data/", wrap(self.personal_data_view), name="%s_%s_personal_data" % info),
            path("<path:object_id>/personal-data.json", wrap(self.personal_data_json_view),
                 name="%s_%s_personal_data_json" % info),
            path("<path:object_id>/erase/", wrap(self.erase_view), name="%s_%s_erase" % info),
        ] + super().get_urls()

    def _url(self, name, obj):
        return reverse(f"{self.admin_site.name}:{self.opts.app_label}_{self.opts.model_name}_{name}", args=[obj.pk])

    def _one_selected(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, "Select exactly one client.", messages.WARNING)
            return None
        return queryset.get()

    @admin.action(description="Export personal data (access request)", permissions=["export_personal_data"])
    def export_personal_data(self, request, queryset):
        client = self._one_selected(request, queryset)
        return HttpResponseRedirect(self._url("personal_data", client)) if client else None

    @admin.action(description="Erase personal data (erasure request)…", permissions=["erase_personal_data"])
    def erase_personal_data(self, request, queryset):
        client = self._one_selected(request, queryset)
        return HttpResponseRedirect(self._url("erase", client)) if client else None

    def has_export_personal_data_permission(self, request):
        return request.user.has_perm(EXPORT_PERMISSION)

    def has_erase_personal_data_permission(self, request):
        return request.user.has_perm(ERASE_PERMISSION)

    def _client(self, request, object_id, permission):
        if not request.user.has_perm(permission):
            raise PermissionDenied
        return get_object_or_404(self.model, pk=unquote(object_id))

    def personal_data_view(self, request, object_id):
        client = self._client(request, object_id, EXPORT_PERMISSION)
        return HttpResponse(client_export_html(client=client, json_url=self._url("personal_data_json", client)))

    def personal_data_json_view(self, request, object_id):
        client = self._client(request, object_id, EXPORT_PERMISSION)
        response = HttpResponse(client_export_json(client=client), content_type="application/json")
        response["Content-Disposition"] = f'attachment; filename="client-{client.pk}.json"'
        return response

    def erase_view(self, request, object_id):
        client = self._client(request, object_id, ERASE_PERMISSION)
        error = None
        if request.method == "POST":
            # Typed, not clicked: erasure cannot be undone, so the name must be typed back.
            if request.POST.get("confirm_name", "").strip().casefold() == client.full_name.casefold():
                try:
                    client_erase(client=client, by=request.user)
                except LedgerError as exc:
                    error = f"Nothing was erased: {exc}. Tell whoever runs the server."
                else:
                    self.message_user(request, "The client's personal data has been erased.", messages.SUCCESS)
                    return HttpResponseRedirect(self._url("change", client))
            else:
                error = "The name typed does not match this client: nothing was erased."
        context = {
            **self.admin_site.each_context(request),
            "title": f"Erase personal data of {client.full_name}",
            "subtitle": None,
            "object": client,
            "opts": self.opts,
            "error": error,
            "json_url": self._url("personal_data_json", client),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "data_rights/erase_confirm.html", context, status=400 if error else 200)

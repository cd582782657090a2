"""Admin pieces the client, vehicle and service pages mix in: their audit history. (The data-subject
requests on clients, export and erasure: clients/data_rights/admin.py.)"""

from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse

from .selectors import record_history

# The mixins below are mixed into ModelAdmins and use their methods and attributes (opts, admin_site,
# message_user, ...): type checkers see them as ModelAdmins; at run time they stay plain mixins.
if TYPE_CHECKING:
    _ModelAdminBase = admin.ModelAdmin[Any]
else:
    _ModelAdminBase = object


class AuditHistoryMixin(_ModelAdminBase):
    """Replaces the admin's "History" page with the record's audit rows, as "field: old → new"."""

    def history_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            # The admin's own "not found" redirect, as its history_view does (private: not in django-stubs).
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)  # type: ignore[attr-defined]
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "title": f"History: {obj}",
            "subtitle": None,
            "object": obj,
            "opts": self.opts,
            "entries": record_history(table=self.opts.db_table, record_id=obj.pk,
                                      hidden=self.history_hidden_fields(request)),
            **(extra_context or {}),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "audit/object_history.html", context)

    def history_hidden_fields(self, request):
        """Columns this user may not see on the page, left out of its history too (a technician's job
        history has no cost changes)."""
        return set()

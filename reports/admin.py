from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import path

from concierge.admin.readonly import ViewOnlyAdminMixin

from .models import ReportAccess


@admin.register(ReportAccess)
class ReportPagesAdmin(ViewOnlyAdminMixin, admin.ModelAdmin):
    """The admin index's "Reports › Report pages" entry, shown only to users holding
    reports.view_reports; it leads to the report pages, which live outside the admin."""

    def has_module_permission(self, request):
        return request.user.has_perm("reports.view_reports")

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("reports.view_reports")


    def get_urls(self):
        # Only the list URL, redirecting: the model has no table, so no change/delete/history page.
        opts = self.model._meta
        return [
            path("", self.admin_site.admin_view(self.report_pages), name=f"{opts.app_label}_{opts.model_name}_changelist"),
        ]

    def report_pages(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        return redirect("reports:overview")

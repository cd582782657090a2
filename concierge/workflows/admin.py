from django.contrib import admin, messages
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from .engine import workflow_run
from .forms import PreviewForm, WorkflowForm
from .models import Event, Workflow
from .registry import registry
from .validation import actions_schema

# The dry run's sample is a job (the widest subject: it brings its car and client along), found
# and listed by the app that registered the subject.
PREVIEW_SUBJECT = "job"


@admin.register(Workflow)
class WorkflowAdmin(admin.ModelAdmin):
    form = WorkflowForm
    list_display = ("name", "trigger_event", "active", "created_at", "preview_link")
    list_filter = ("active", "trigger_event")
    search_fields = ("name",)

    @admin.display(description="Dry run")
    def preview_link(self, obj):
        return format_html('<a href="{}">Preview</a>', reverse("admin:workflows_workflow_preview", args=[obj.pk]))

    def get_urls(self):
        return [
            path("schema.json", self.admin_site.admin_view(self.schema_view), name="workflows_workflow_schema"),
            path("<uuid:pk>/preview/", self.admin_site.admin_view(self.preview_view), name="workflows_workflow_preview"),
            *super().get_urls(),
        ]

    def schema_view(self, request):
        return JsonResponse(actions_schema(), json_dumps_params={"indent": 2})

    def preview_view(self, request, pk):
        """What the workflow would send for a chosen job: rendered, nothing written."""
        workflow = get_object_or_404(Workflow, pk=pk)
        if not self.has_view_permission(request, workflow):
            raise PermissionDenied
        subject = registry.subjects[PREVIEW_SUBJECT]
        if subject.find is None or subject.recent is None:
            raise ImproperlyConfigured(f"the {PREVIEW_SUBJECT!r} subject was registered without find and recent")
        form = PreviewForm(request.GET or None)
        steps, service = None, None
        if form.is_valid():
            service = subject.find(form.cleaned_data["service"])
            if service is None:
                form.add_error("service", f"No {subject.label} has this id.")
            elif workflow.trigger_event not in registry.events:
                # A row written around validation, or an event its app no longer registers.
                messages.error(request, f"The trigger {workflow.trigger_event} is not an event any app registers: nothing to preview.")
            else:
                subjects = registry.parents_fill({PREVIEW_SUBJECT: service})
                steps = workflow_run(
                    workflow=workflow, trigger_event=workflow.trigger_event, client=subjects["client"],
                    vehicle=subjects["car"], service=service, dry_run=True,
                )
                messages.info(request, "Dry run: nothing was sent or changed.")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta, "original": workflow, "title": f"Dry run: {workflow.name}",
            "form": form, "steps": steps, "service": service, "recent": subject.recent(),
        }
        return TemplateResponse(request, "admin/workflows/workflow/preview.html", context)


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ("name", "created_at", "processed_at", "service")
    list_filter = ("name",)
    raw_id_fields = ("client", "vehicle", "service")
    readonly_fields = [f.name for f in Event._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        # Events go with the client, car or job they are about: whoever may delete that row (the
        # admin's delete page checks every cascaded row) may take its events along. No bulk delete.
        if obj is None:
            return False
        subject = obj.service or obj.vehicle or obj.client
        if subject is None:
            return request.user.is_superuser
        return request.user.has_perm(f"{subject._meta.app_label}.delete_{subject._meta.model_name}")

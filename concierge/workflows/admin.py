import json
from typing import Any, cast

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.http import JsonResponse, QueryDict
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from .engine import workflow_run
from .forms import PreviewForm, WorkflowForm
from .models import Event, Workflow
from .registry import MessagePreview, registry
from .validation import actions_schema

# The dry run's sample is a job (the widest subject: it brings its car and client along), found
# and listed by the app that registered the subject.
PREVIEW_SUBJECT = "job"


# The editor's buttons that check and show a workflow without saving it.
PREVIEW_BUTTON = "_preview"
GSM7_BUTTON = "_gsm7"  # value "<action number>:<key>": put that text's suggested spelling in its place


def message_previews(actions: Any, trigger_event: str) -> list[tuple[int, MessagePreview]]:
    """(action number, preview) for every text of every action whose app registered a preview."""
    if not isinstance(actions, list) or trigger_event not in registry.events:
        return []
    previews = []
    for number, action in enumerate(actions, start=1):
        spec = registry.actions.get(str(action.get("type"))) if isinstance(action, dict) else None
        if spec is not None and spec.preview is not None:
            previews += [(number, preview) for preview in spec.preview(action, trigger_event)]
    return previews


def _posted(data: Any) -> tuple[Any, str]:
    try:
        actions = json.loads(data.get("actions") or "")
    except ValueError:
        actions = None
    return actions, data.get("trigger_event") or ""


def replacement_applied(data: Any, target: str) -> str | None:
    """The posted actions with the suggested spelling of one text (`target`: "<number>:<key>") put in
    its place, as the editor shows JSON; None when there is no such suggestion (the text changed)."""
    actions, trigger_event = _posted(data)
    for number, preview in message_previews(actions, trigger_event):
        if f"{number}:{preview.key}" == target and preview.replacement:
            actions[number - 1][preview.key] = preview.replacement
            return json.dumps(actions, indent=2, ensure_ascii=False)
    return None


class PreviewingFormMixin(forms.BaseForm):
    """Put in front of the workflow form for the preview buttons: checked (errors beside the fields)
    and shown again with its previews, never saved; with GSM7_BUTTON, one text replaced by its GSM-7
    spelling first."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        target = self.data.get(GSM7_BUTTON) if self.is_bound else None
        replaced = replacement_applied(self.data, target) if target else None
        if replaced is not None:
            data = cast(QueryDict, self.data).copy()  # the POST, which is immutable
            data["actions"] = replaced
            self.data = data

    def is_valid(self) -> bool:
        super().is_valid()
        return False  # the admin then shows the form again, unsaved, with any errors


def previewing(form_class: type[forms.ModelForm]) -> type[forms.ModelForm]:
    return type(f"Previewing{form_class.__name__}", (PreviewingFormMixin, form_class), {})


@admin.register(Workflow)
class WorkflowAdmin(admin.ModelAdmin):
    form = WorkflowForm
    change_form_template = "admin/workflows/workflow/change_form.html"
    list_display = ("name", "trigger_event", "active", "created_at", "preview_link")
    list_filter = ("active", "trigger_event")
    search_fields = ("name",)

    @admin.display(description="Dry run")
    def preview_link(self, obj):
        return format_html('<a href="{}">Preview</a>', reverse("admin:workflows_workflow_preview", args=[obj.pk]))

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)
        if request.method == "POST" and (PREVIEW_BUTTON in request.POST or GSM7_BUTTON in request.POST):
            return previewing(form_class)
        return form_class

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        form = context["adminform"].form
        if form.is_bound:  # the text as typed, saved or not
            actions, trigger_event = _posted(form.data)
        else:
            actions, trigger_event = (obj.actions, obj.trigger_event) if obj is not None else ([], "")
        context["message_previews"] = message_previews(actions, trigger_event)
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)

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

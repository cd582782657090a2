import json
from typing import Any

from django import forms

from .models import Workflow
from .registry import registry
from .validation import WorkflowInvalid, validate_actions


class IndentedJSONField(forms.JSONField):
    def prepare_value(self, value):
        if isinstance(value, forms.fields.InvalidJSONInput):
            return value
        return json.dumps(value, indent=2, ensure_ascii=False)


class WorkflowForm(forms.ModelForm):
    trigger_event = forms.ChoiceField(choices=lambda: [(e.name, f"{e.name} — {e.label}") for e in registry.events.values()])
    actions = IndentedJSONField(
        widget=forms.Textarea(attrs={"rows": 14, "cols": 100, "style": "font-family: monospace"}),
        help_text="A JSON list of steps; the schema is in docs/notifications.md (and /admin/workflows/workflow/schema.json).",
    )

    class Meta:
        model = Workflow
        fields = ["name", "trigger_event", "active", "actions"]

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data  # what ModelForm.clean returns (django-stubs: may be None)
        if "actions" in cleaned and "trigger_event" in cleaned:
            try:
                validate_actions(cleaned["actions"], trigger_event=cleaned["trigger_event"])
            except WorkflowInvalid as exc:
                self.add_error("actions", str(exc))
        return cleaned



class PreviewForm(forms.Form):
    """The dry run's sample: one job (the subject whose app registered a way to find it), by id."""

    service = forms.UUIDField(label="Job id", help_text="Paste a job's id, or pick one of the recent jobs below.")

from django import forms

from concierge.workflows.registry import registry

from .addresses import AddressRefused, resolve
from .models import Endpoint


def _event_choices() -> list[tuple[str, str]]:
    return [(spec.name, f"{spec.name} — {spec.label}") for spec in registry.events.values()]


class EndpointForm(forms.ModelForm):
    events = forms.MultipleChoiceField(choices=_event_choices, widget=forms.CheckboxSelectMultiple,
                                       help_text="The events this URL gets (docs/webhooks.md, “Events”).")

    class Meta:
        model = Endpoint
        fields = ["name", "url", "events"]
        # Django's URL field would take ftp:// and credentials; clean_url says why each is refused.
        field_classes = {"url": forms.CharField}
        help_texts = {"url": "https:// only. Private, loopback and link-local addresses are refused; "
                             "no user name or password in the URL (deliveries are signed)."}

    def clean_url(self) -> str:
        url = self.cleaned_data["url"].strip()
        try:
            # The host is resolved now too: a name pointing at the shop's network is refused here, and
            # again before every delivery (it may be re-pointed later).
            resolve(url)
        except AddressRefused as exc:
            raise forms.ValidationError(str(exc)) from None
        return url

    def clean_events(self) -> list[str]:
        return sorted(set(self.cleaned_data["events"]))

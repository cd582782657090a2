from django import forms

from concierge.admin.concurrency import StaleEditFormMixin

from .models import Client
from .phones import normalise_phone


class ClientForm(StaleEditFormMixin, forms.ModelForm):
    """The admin's client form: phone stored as E.164 whatever way it was typed, email lower-cased."""

    class Meta:
        model = Client
        fields = ("first_name", "last_name", "email", "phone", "address", "consent_gdpr", "preferred_language")
        help_texts = {"phone": "Any usual form: 0712 345 678, +254 712 345 678, 712345678. Stored as +254…"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A form posted without the field (an older page, an import) keeps the client's language.
        self.fields["preferred_language"].required = False

    def clean_preferred_language(self):
        return self.cleaned_data.get("preferred_language") or self.instance.preferred_language

    def clean_phone(self):
        raw = self.cleaned_data.get("phone")
        return normalise_phone(raw) if raw and raw.strip() else None

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()

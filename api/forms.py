import datetime

from django import forms
from django.utils import timezone

from .models import ApiKey
from .scopes import SCOPE_CHOICES


class ApiKeyForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(
        choices=SCOPE_CHOICES, widget=forms.CheckboxSelectMultiple,
        help_text="Only what the other system needs: read and write are separate, per resource.",
    )

    class Meta:
        model = ApiKey
        fields = ("name", "scopes", "expires_at")

    def clean_expires_at(self) -> datetime.datetime | None:
        expires_at = self.cleaned_data.get("expires_at")
        if expires_at is not None and expires_at <= timezone.now():
            raise forms.ValidationError("An expiry must be in the future (or leave it empty: no expiry).")
        return expires_at

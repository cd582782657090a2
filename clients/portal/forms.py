from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .lookup import contact_key, normalise_contact


class SignInRequestForm(forms.Form):
    contact = forms.CharField(
        label=_("Email or phone number"), max_length=254,
        help_text=_("The one the shop has for you, e.g. wanjiru@example.co.ke or 0712 345 678."),
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none", "autofocus": True}),
    )

    def clean_contact(self):
        try:
            self.contact_kind, normalised = normalise_contact(self.cleaned_data["contact"])
        except ValidationError:
            raise ValidationError(
                _("Enter an email address or a Kenyan phone number."), code="invalid_contact"
            ) from None
        self.normalised_contact = normalised
        key = contact_key(normalised)
        assert key is not None  # normalise_contact accepted it just above
        self.contact_kind, self.contact_hash = key
        return self.cleaned_data["contact"].strip()

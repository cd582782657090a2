"""The booking page's forms: the booking itself, and, for a newcomer, the admin's own client and car
forms (same validation, same messages, prefixed so their fields sit on one page)."""

import uuid
from typing import cast

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone

from clients.forms import ClientForm
from concierge.accounts.roles import TECHNICIAN
from fleet.forms import METADATA_KEYS, VehicleForm, odometer_field

from ..selectors import service_type_choices
from ..validators import validate_scheduled_date


def technician_names() -> list[str]:
    """The names a job's technician is booked under: the active staff in the Technician role, as
    their phone view finds its jobs (servicing.views.workshop)."""
    users = get_user_model().objects.filter(groups__name=TECHNICIAN, is_active=True).order_by("first_name", "last_name")
    return [name for name in (user.get_full_name() for user in users) if name]


class BookingForm(forms.Form):
    lookup = forms.CharField(
        label="Plate or phone", required=False,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "off"}),
        help_text="A number plate (any spacing or case) or a phone number (0712…, +254…).",
    )
    # What the lookup offered and staff picked: "car:<id>", "client:<id>" (a new car for a known
    # client) or "new" (a new client and car). Radios in the lookup's answer.
    pick = forms.CharField(required=False)
    service_types = forms.MultipleChoiceField(
        label="Services", widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Pick at least one service."},
    )
    scheduled_date = forms.DateField(
        label="Date", validators=[validate_scheduled_date],
        help_text="Day first: 05/11/2026.",
        widget=forms.DateInput(attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"}),
    )
    technician = forms.ChoiceField(label="Technician", required=False)
    mileage = odometer_field(
        label="Mileage now (km)", required=False,
        help_text="The odometer as the car came in; leave empty if not read.",
    )
    # A fresh one per page: a second submission of the same page (a double click, a resend after a
    # dropped connection) books nothing twice (servicing.intake.views).
    once = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("scheduled_date", timezone.localdate())
        kwargs["initial"].setdefault("once", uuid.uuid4())
        super().__init__(*args, **kwargs)
        cast(forms.MultipleChoiceField, self.fields["service_types"]).choices = [
            (name, name) for name in service_type_choices()]
        cast(forms.ChoiceField, self.fields["technician"]).choices = [("", "Not yet")] + [
            (n, n) for n in technician_names()]

    def picked(self) -> tuple[str, uuid.UUID | None]:
        """("car" | "client", id) or ("new", None); ("", None) when nothing was picked."""
        kind, _, raw = (self.data.get(self.add_prefix("pick")) or "").partition(":")
        if kind == "new":
            return "new", None
        if kind in ("car", "client"):
            try:
                return kind, uuid.UUID(raw)
            except ValueError:
                pass
        return "", None


class NewClientForm(ClientForm):
    """The admin's client form (phone in any Kenyan form, email lower-cased, one client per email)."""

    class Meta(ClientForm.Meta):
        fields = ("first_name", "last_name", "phone", "email", "preferred_language", "consent_gdpr")  # type: ignore[assignment]  # fewer than the admin's


class NewCarForm(VehicleForm):
    """The admin's car form without its owner (the booking gives it) and without the extras: the
    reading is the booking's "Mileage now", the details are added on the car's page."""

    class Meta(VehicleForm.Meta):
        fields = ("license_plate", "make", "model", "year", "vin")  # type: ignore[assignment]  # fewer than the admin's

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in (*METADATA_KEYS, "mileage_correction"):
            del self.fields[name]
        self.fields["license_plate"].required = True

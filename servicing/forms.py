from django import forms

from concierge.admin.concurrency import StaleEditFormMixin
from fleet.forms import odometer_field

from .lifecycle import InvalidTransition, check_transition
from .models import Service, ServiceStatus, ServiceType
from .selectors import service_type_choices
from .services import service_type_name_normalise


class ServiceForm(StaleEditFormMixin, forms.ModelForm):
    """The admin's job form. A status edit is checked by the lifecycle here, beside the field, and then
    applied by ServiceAdmin through service_change_status, never by saving the field directly."""

    # Not a column of the job: the car's odometer as read now, kept as a dated reading of the car
    # (fleet.OdometerReading) at booking, at completion, or as a plain reading (ServiceAdmin.save_model).
    odometer = odometer_field(
        label="Odometer (km)", required=False,
        help_text="The car's mileage as read now, if someone read it: kept in the car's odometer history.",
    )

    class Meta:
        model = Service
        fields = ("vehicle", "service_type", "description", "scheduled_date", "technician", "cost",
                  "status", "completed_date", "notes")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "service_type" in self.fields:
            # Picked from the managed catalogue (Service types, kept by managers): one spelling per type.
            field = self.fields["service_type"]
            names = service_type_choices(keep=self.instance.service_type if self.instance.pk else None)
            self.fields["service_type"] = forms.ChoiceField(
                label=field.label, required=True, choices=[("", "---------")] + [(n, n) for n in names],
                help_text="From the shop's list of service types; a manager adds new ones under Service types.",
            )

    def stored_status(self):
        if not self.instance.pk:
            return None
        return Service.objects.filter(pk=self.instance.pk).values_list("status", flat=True).first()

    def clean_status(self):
        status = self.cleaned_data.get("status")
        stored = self.stored_status()
        if stored is None:
            if status and status != ServiceStatus.PENDING:
                raise forms.ValidationError(
                    "A new job starts as pending; start it from the job board or the list once the car is in."
                )
            return ServiceStatus.PENDING
        if status and status != stored:
            try:
                check_transition(stored, status)
            except InvalidTransition as error:
                raise forms.ValidationError(str(error)) from None
        return status

    def clean(self):
        cleaned = super().clean()
        status, completed = cleaned.get("status"), cleaned.get("completed_date")
        # A technician's form has no scheduled_date field (read-only for them): use the stored one.
        scheduled = cleaned.get("scheduled_date") if "scheduled_date" in self.fields else self.instance.scheduled_date
        if "completed_date" in self.fields:
            if completed and status and status != ServiceStatus.COMPLETED:
                self.add_error("completed_date", "Only a completed job has a completion date.")
            elif completed and scheduled and completed < scheduled:
                self.add_error("completed_date", f"Completed on {completed:%d %b %Y} is before the scheduled date.")
        return cleaned


class ServiceTypeForm(forms.ModelForm):
    class Meta:
        model = ServiceType
        fields = ("name", "active", "interval_km", "interval_months")
        help_texts = {"name": "Renaming a type renames it on every job already booked with it."}

    def clean_name(self):
        # Tidied before the unique check, so "Oil  change " meets "Oil Change" there.
        return service_type_name_normalise(self.cleaned_data["name"])


class CollectionForm(forms.Form):
    """*Mark collected*: the handover's note, optional."""

    note = forms.CharField(
        label="Note", required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text="Optional: who came for the car if not the owner, anything said at the handover.",
    )

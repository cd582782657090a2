from django import forms
from django.core.validators import MaxLengthValidator

from concierge.admin.concurrency import StaleEditFormMixin

from .models import Vehicle
from .validators import (
    normalise_plate, normalise_vin, validate_mileage, vin_check_digit_matches, vin_uses_check_digit,
)

METADATA_KEYS = ("colour", "engine", "transmission", "fuel", "body_type")


class VehicleForm(StaleEditFormMixin, forms.ModelForm):
    """The admin's vehicle form (also each row of the client page's vehicle inline).

    After validation `warnings` holds what staff should hear about without being refused, such as a VIN
    whose North American check digit does not match.
    """

    # Named metadata fields: each is stored under its own key in the JSONB `metadata` column. Keys not
    # listed in METADATA_KEYS (from imports or older data) are kept untouched.
    colour = forms.CharField(max_length=40, required=False)
    engine = forms.CharField(max_length=60, required=False, help_text="e.g. 1.5 L petrol, 1NZ-FE")
    transmission = forms.ChoiceField(
        required=False, choices=[("", "—"), ("automatic", "Automatic"), ("manual", "Manual"), ("cvt", "CVT")],
    )
    fuel = forms.ChoiceField(
        required=False,
        choices=[("", "—"), ("petrol", "Petrol"), ("diesel", "Diesel"), ("hybrid", "Hybrid"), ("electric", "Electric")],
    )
    body_type = forms.CharField(max_length=40, required=False, help_text="saloon, station wagon, SUV, pick-up…")

    mileage_correction = forms.BooleanField(
        label="Correct the mileage", required=False,
        help_text="Tick to record a reading lower than the last one (a mistyped earlier reading).",
    )

    class Meta:
        model = Vehicle
        fields = ("client", "license_plate", "make", "model", "year", "vin", "mileage")
        labels = {"license_plate": "Number plate"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.warnings = []
        # The plate and VIN are judged whole by their validators, which say what is wrong with them. The
        # model's max_length (checked first, and put on the box as maxlength, where the browser cuts a
        # pasted VIN with spaces to 17 characters without a word) would refuse `JTDBT 9235 0123 4567`
        # before its spaces were taken out. Neither stored form comes near the column's length.
        for name in ("license_plate", "vin"):
            if name in self.fields:
                field = self.fields[name]
                field.max_length = None
                field.validators = [v for v in field.validators if not isinstance(v, MaxLengthValidator)]
                field.widget.attrs.pop("maxlength", None)
        if "license_plate" in self.fields:
            # Spaces alone are kept, to be refused by normalise_plate rather than saved as no plate.
            self.fields["license_plate"].strip = False
        stored = self.instance.metadata or {}
        for name in METADATA_KEYS:
            if name in self.fields:
                self.fields[name].initial = stored.get(name, "")

    def clean_license_plate(self):
        return normalise_plate(self.cleaned_data.get("license_plate"))

    def clean_vin(self):
        vin = normalise_vin(self.cleaned_data.get("vin"))
        # Only North American makers use the check digit; elsewhere the 9th character is anything.
        if vin_uses_check_digit(vin) and not vin_check_digit_matches(vin):
            self.warnings.append(
                f"VIN {vin}: a North American VIN (it starts with {vin[0]}) whose 9th character is not its "
                "check digit. Check the VIN on the chassis plate: a character may be mistyped."
            )
        return vin

    def clean(self):
        cleaned = super().clean()
        mileage = cleaned.get("mileage")
        previous = None
        if self.instance.pk:
            previous = Vehicle.objects.filter(pk=self.instance.pk).values_list("mileage", flat=True).first()
        try:
            validate_mileage(mileage, previous=previous, correction=cleaned.get("mileage_correction", False))
        except forms.ValidationError as error:
            self.add_error("mileage", error)
        return cleaned

    def save(self, commit=True):
        metadata = dict(self.instance.metadata or {})
        for name in METADATA_KEYS:
            if name not in self.fields:
                continue
            value = (self.cleaned_data.get(name) or "").strip()
            if value:
                metadata[name] = value
            else:
                metadata.pop(name, None)
        self.instance.metadata = metadata or None
        return super().save(commit=commit)


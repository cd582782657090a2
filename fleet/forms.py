from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.core.validators import MaxLengthValidator, MaxValueValidator

from concierge.admin.concurrency import StaleEditFormMixin

from .models import Vehicle
from .validators import (
    ODOMETER_MAX_KM, ODOMETER_TOO_HIGH, normalise_plate, normalise_vin, validate_mileage, vin_check_digit_matches,
    vin_uses_check_digit,
)

METADATA_KEYS = ("colour", "engine", "transmission", "fuel", "body_type")
# The plate is unique however it is spaced (the constraint on the plate without spaces): its message is
# the one staff see for a plate that is taken.
# (A lazy translation: typed as str, which is how it is compared and shown.)
PLATE_TAKEN = cast(str, next(
    c for c in Vehicle._meta.constraints if c.name == "vehicles_plate_compact_uniq"
).violation_error_message)


def odometer_field(**kwargs: Any) -> forms.IntegerField:
    """A mileage box: whole kilometres from 0 to ODOMETER_MAX_KM, the limit said when it is passed."""
    kwargs.setdefault("widget", forms.NumberInput(attrs={"inputmode": "numeric"}))
    return odometer_limit(forms.IntegerField(min_value=0, **kwargs))


def odometer_limit(field: forms.IntegerField) -> forms.IntegerField:
    """Put ODOMETER_MAX_KM on a mileage box, in place of the column's own limit (2,147,483,647, whose
    message would not say why)."""
    field.max_value = ODOMETER_MAX_KM
    field.validators = [v for v in field.validators if not isinstance(v, MaxValueValidator)]
    field.validators.append(MaxValueValidator(ODOMETER_MAX_KM, message=ODOMETER_TOO_HIGH))
    field.widget.attrs["max"] = str(ODOMETER_MAX_KM)
    return field


class VehicleForm(StaleEditFormMixin, forms.ModelForm):
    """The admin's vehicle form (also each row of the client page's vehicle inline).

    After validation `warnings` holds what staff should hear about without being refused, such as a VIN
    whose North American check digit does not match.
    """

    if TYPE_CHECKING:
        # BaseModelForm's private members this form builds on (django-stubs declares no private names):
        # the errors collected so far, and the steps of its model validation.
        _errors: forms.utils.ErrorDict

        def _get_validation_exclusions(self) -> set[str]: ...

        def _update_errors(self, errors: forms.ValidationError) -> None: ...

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
                field = cast(forms.CharField, self.fields[name])  # the model's CharFields
                field.max_length = None
                field.validators = [v for v in field.validators if not isinstance(v, MaxLengthValidator)]
                field.widget.attrs.pop("maxlength", None)
        if "mileage" in self.fields:
            odometer_limit(cast(forms.IntegerField, self.fields["mileage"]))
        if "license_plate" in self.fields:
            # Spaces alone are kept, to be refused by normalise_plate rather than saved as no plate.
            cast(forms.CharField, self.fields["license_plate"]).strip = False
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

    def validate_unique(self):
        # The plate's uniqueness is the constraint's, checked just before (in _post_clean); the field's own
        # unique check said the same again in other words ("Vehicle with this License plate already exists.").
        exclude = self._get_validation_exclusions() | {"license_plate"}
        try:
            self.instance.validate_unique(exclude=exclude)
        except forms.ValidationError as error:
            self._update_errors(error)

    def _post_clean(self):
        super()._post_clean()  # type: ignore[misc]  # BaseModelForm's (private: not in django-stubs)
        # The constraint speaks for the whole form (it is an expression, not a field): its message is put
        # beside the plate, where the problem is.
        general = self._errors.get(NON_FIELD_ERRORS) if self._errors else None
        if general and PLATE_TAKEN in general:
            rest = [error for error in general.as_data() if PLATE_TAKEN not in error.messages]
            if rest:
                self._errors[NON_FIELD_ERRORS] = self.error_class(rest, error_class="nonfield", renderer=self.renderer)
            else:
                del self._errors[NON_FIELD_ERRORS]
            if "license_plate" not in self._errors:
                self.add_error("license_plate", PLATE_TAKEN)

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



# Mixed into model formsets (self.forms, self.deleted_forms): type checkers see one; at run time a mixin.
if TYPE_CHECKING:
    _FormSetBase = forms.BaseModelFormSet[Any, Any]
else:
    _FormSetBase = object


class VehicleRowsUniqueMixin(_FormSetBase):
    """For a formset of car rows (the client page's). Two rows with the same plate or VIN get one message, beside the field
    of the later row and in its label's words; Django's own check named the column (`license_plate`) above
    the rows and said "Please correct the duplicate values below." in the row as well."""

    UNIQUE_FIELDS = ("license_plate", "vin")

    def validate_unique(self):
        rows = [(number, form) for number, form in enumerate(self.forms, start=1)
                if form.is_valid() and form not in self.deleted_forms]
        for name in self.UNIQUE_FIELDS:
            first_row: dict[str, int] = {}
            for number, form in rows:
                value = form.cleaned_data.get(name)
                if not value:
                    continue
                if value in first_row:
                    label = form.fields[name].label
                    form.add_error(name, f"{label} {value} is already in row {first_row[value]}: each car once.")
                else:
                    first_row[value] = number

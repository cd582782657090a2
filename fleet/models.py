from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import RangeOperators
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import models
from django.core.validators import MinValueValidator
from django.db.models.functions import ExtractYear, Replace, Upper

from concierge.audit.triggers import audit_trigger
from concierge.db.functions import CurrentDate, CurrentTimestamp
from concierge.db.models import TimestampedModel, UUIDModel, set_updated_at_trigger

from .validators import validate_year


class Vehicle(TimestampedModel):
    """A client's car: the seed's `vehicles` table."""

    client = models.ForeignKey("clients.Client", on_delete=models.CASCADE, related_name="vehicles")
    make = models.CharField(max_length=50)
    model = models.CharField(max_length=50)
    year = models.IntegerField(null=True, blank=True, validators=[validate_year])
    vin = models.CharField("VIN", max_length=17, unique=True)
    license_plate = models.CharField(max_length=20, unique=True, null=True, blank=True)
    mileage = models.IntegerField(default=0, db_default=0, validators=[MinValueValidator(0)])
    metadata = models.JSONField(null=True, blank=True)

    class Meta:
        db_table = "vehicles"
        ordering = ["license_plate"]
        indexes = [
            models.Index(fields=["make", "model"], name="vehicles_make_model_idx"),
            # The vehicles list's year filter lists its choices by loose index scan (concierge/admin/filters.py).
            models.Index(fields=["year"], name="vehicles_year_idx"),
            # A client's cars by plate (the client page lists the first 20): the plate index alone was walked
            # from the first plate until 20 were the client's.
            models.Index(fields=["client", "license_plate"], name="vehicles_client_plate_idx"),
            GinIndex(fields=["metadata"], name="vehicles_metadata_gin"),
            # The staff search for part of a plate, VIN, make or model (`icontains`, fleet.selectors): see
            # clients.Client's name indexes.
            GinIndex(OpClass(Upper("license_plate"), name="gin_trgm_ops"), name="vehicles_plate_trgm"),
            GinIndex(OpClass(Upper("vin"), name="gin_trgm_ops"), name="vehicles_vin_trgm"),
            GinIndex(OpClass(Upper("make"), name="gin_trgm_ops"), name="vehicles_make_trgm"),
            GinIndex(OpClass(Upper("model"), name="gin_trgm_ops"), name="vehicles_model_trgm"),
        ]
        constraints = [
            # The seed's CHECK, to the letter: EXTRACT(YEAR FROM CURRENT_DATE) + 1.
            models.CheckConstraint(
                condition=models.Q(year__gte=1900) & models.Q(year__lte=ExtractYear(CurrentDate()) + 1),
                name="vehicles_year_check",
            ),
            models.CheckConstraint(condition=models.Q(mileage__gte=0), name="vehicles_mileage_not_negative"),
            # `KDA 123A` and `kda123a` are one car even when a raw import skips normalise_plate.
            models.UniqueConstraint(
                Upper(Replace("license_plate", models.Value(" "), models.Value(""))),
                name="vehicles_plate_compact_uniq",
                violation_error_message="A vehicle with this number plate already exists.",
            ),
        ]
        triggers = [set_updated_at_trigger(), audit_trigger()]

    def __str__(self):
        return f"{self.license_plate or self.vin} ({self.make} {self.model})"


class ReadingSource(models.TextChoices):
    """Where an odometer reading came from."""

    ADDED = "added", "Car added"
    ADMIN = "admin", "Staff edit"
    CORRECTION = "correction", "Staff correction"
    IMPORT = "import", "Import"
    BOOKING = "booking", "At booking"
    COMPLETION = "completion", "At completion"
    AUDIT = "audit", "Recovered from the audit trail"


class ReadingFlag(models.TextChoices):
    """Why a reading is kept but not used for predictions (fleet/odometer.py decides)."""

    OK = "", "Used"
    BACKWARDS = "backwards", "Lower than an earlier reading"
    JUMP = "jump", "Impossible jump since the previous reading"
    CORRECTED = "corrected", "Replaced by a later staff correction"


class OdometerReading(models.Model):
    """One dated odometer reading of a car: every mileage the shop records is kept, so a car's km per
    day can be read off its history (forecasting/). Readings are never edited by staff; a flagged one
    stays, with its reason, and predictions skip it. Not audited: each reading is the car's `mileage`
    change, which the vehicles trigger already records with the acting user."""

    id = models.BigAutoField(primary_key=True)
    vehicle = models.ForeignKey(Vehicle, on_delete=models.CASCADE, related_name="odometer_readings")
    read_on = models.DateField()
    mileage = models.IntegerField(validators=[MinValueValidator(0)])
    source = models.CharField(max_length=12, choices=ReadingSource.choices)
    flag = models.CharField(max_length=12, choices=ReadingFlag.choices, blank=True, default="", db_default="")
    created_at = models.DateTimeField(db_default=CurrentTimestamp(), editable=False)

    class Meta:
        db_table = "odometer_readings"
        ordering = ["vehicle", "read_on", "id"]
        indexes = [models.Index(fields=["vehicle", "read_on", "id"], name="odometer_vehicle_date_idx")]
        constraints = [
            models.CheckConstraint(condition=models.Q(mileage__gte=0), name="odometer_mileage_not_negative"),
        ]

    def __str__(self):
        return f"{self.mileage:,} km on {self.read_on:%d/%m/%Y}"


class TimestampRange(models.Func):
    """SQL `tsrange(lower, upper, '[)')` over two `timestamp` columns: an open period's NULL end is
    an unbounded range, as PostgreSQL reads it."""

    function = "TSRANGE"
    template = "%(function)s(%(expressions)s, '[)')"
    output_field = models.DateTimeField()  # never read back: only compared inside the constraint


class VehicleOwnership(UUIDModel):
    """Who owned a car, and when: one row per period, the open one (no `ended_at`) the car's current
    client, the same as `vehicles.client_id`. The seed's schema hangs jobs off the car and the car off
    one client; when a car is sold, its old jobs still belong to the old owner, and only these periods
    say so (the portal, the status links and the data-subject requests read them: docs/schema.md).
    Written by fleet.services only (vehicle_create, vehicle_update), in the car's transaction."""

    vehicle = models.ForeignKey(Vehicle, on_delete=models.CASCADE, related_name="ownerships")
    client = models.ForeignKey("clients.Client", on_delete=models.CASCADE, related_name="vehicle_ownerships")
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(db_default=CurrentTimestamp(), editable=False)

    class Meta:
        db_table = "vehicle_ownerships"
        ordering = ["vehicle", "started_at"]
        indexes = [
            # The portal's question for each job: did this client own this car when the job was made?
            models.Index(fields=["vehicle", "client", "started_at"], name="vehicle_ownerships_lookup_idx"),
            # A client's cars, past and present (the portal's list, a data export).
            models.Index(fields=["client", "started_at"], name="vehicle_ownerships_client_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["vehicle"], condition=models.Q(ended_at__isnull=True), name="vehicle_ownerships_one_open",
                violation_error_message="This car already has a current owner.",
            ),
            models.CheckConstraint(
                condition=models.Q(ended_at__isnull=True) | models.Q(ended_at__gt=models.F("started_at")),
                name="vehicle_ownerships_ends_after_start",
            ),
            # Two owners never hold one car at the same moment, open period or not.
            ExclusionConstraint(
                name="vehicle_ownerships_no_overlap",
                expressions=[
                    ("vehicle", RangeOperators.EQUAL),
                    (TimestampRange("started_at", "ended_at"), RangeOperators.OVERLAPS),
                ],
            ),
        ]
        triggers = [audit_trigger()]

    def __str__(self):
        until = f"{self.ended_at:%d/%m/%Y}" if self.ended_at else "now"
        return f"{self.started_at:%d/%m/%Y} – {until}"

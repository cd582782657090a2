from decimal import Decimal

import pgtrigger
from django.conf import settings
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import models
from django.db.models.functions import Lower, Upper

from concierge.audit.triggers import audit_trigger
from concierge.db.fields import PgEnumField
from concierge.db.models import TimestampedModel, set_updated_at_trigger

from concierge.db.functions import CurrentDate

from .validators import EARLIEST_SCHEDULED_DATE, SCHEDULE_AHEAD_DAYS, validate_cost, validate_scheduled_date


# Who sees what beyond the pages they may open (docs/staff-guide.md, "Roles"): a job's price, and the
# owner's full name and contact details (holders of clients.view_client; others see the first name).
PRICE_VIEW_PERMISSION = "servicing.view_service_price"
CLIENT_DETAILS_PERMISSION = "clients.view_client"


class ServiceStatus(models.TextChoices):
    """The seed's `service_status` ENUM."""

    PENDING = "pending", "Pending"
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Cancelled"


class ServiceType(TimestampedModel):
    """The shop's catalogue of service types, which staff pick from when booking a job. A job keeps the
    seed's `services.service_type` text (the name picked), so reports and indexes read it as before;
    the catalogue is what stops "Oil change" and "Oil Change" from becoming two types."""

    name = models.CharField(max_length=100)
    active = models.BooleanField(
        default=True, db_default=True,
        help_text="Untick to stop offering this type for new bookings; jobs already booked keep it.",
    )
    # Due again after this many km or months, whichever comes first (forecasting/ predicts the date
    # from each car's km per day). Neither set: a one-off repair, never predicted.
    interval_km = models.PositiveIntegerField(
        "interval (km)", null=True, blank=True,
        help_text="Due again after this many km (whichever comes first with the months). Empty: no km interval.",
    )
    interval_months = models.PositiveSmallIntegerField(
        "interval (months)", null=True, blank=True,
        help_text="Due again after this many months. Empty: no time interval.",
    )

    class Meta:
        db_table = "service_types"
        ordering = ["name"]
        constraints = [
            # Names are normalised (servicing.services.service_type_name_normalise) before they are
            # stored; the index refuses a second spelling differing only in case.
            models.UniqueConstraint(
                Lower("name"), name="service_types_name_ci_uniq",
                violation_error_message="A service type with this name already exists (case and spaces are ignored).",
            ),
            models.CheckConstraint(condition=~models.Q(name=""), name="service_types_name_not_empty"),
        ]
        triggers = [set_updated_at_trigger(), audit_trigger()]

    def __str__(self):
        return self.name


class Service(TimestampedModel):
    """A service job on a vehicle: the seed's `services` table."""

    vehicle = models.ForeignKey("fleet.Vehicle", on_delete=models.CASCADE, related_name="services")
    service_type = models.CharField(max_length=100)
    description = models.TextField(null=True, blank=True)
    status = PgEnumField(
        enum_name="service_status", choices=ServiceStatus.choices,
        default=ServiceStatus.PENDING, db_default=ServiceStatus.PENDING,
    )
    scheduled_date = models.DateField(null=True, blank=True, validators=[validate_scheduled_date])
    completed_date = models.DateField(null=True, blank=True)
    cost = models.DecimalField(
        max_digits=10, decimal_places=2, default=Decimal("0.00"), db_default=Decimal("0.00"), validators=[validate_cost],
    )
    technician = models.CharField(max_length=100, null=True, blank=True)
    notes = models.TextField("internal notes", null=True, blank=True)

    class Meta:
        db_table = "services"
        ordering = ["-scheduled_date", "-created_at"]
        indexes = [
            models.Index(fields=["status", "scheduled_date"], name="services_status_sched_idx"),
            models.Index(fields=["service_type"], name="services_service_type_idx"),
            # The services list's default order (Meta.ordering plus the admin's -pk tiebreak): the first
            # page is an index scan of 100 entries instead of a sort of the whole table (bench/notes.md).
            models.Index(fields=["-scheduled_date", "-created_at", "-id"], name="services_list_order_idx"),
            # One car's jobs in that order: the car's history (its page, the portal, the services list
            # filtered or searched to a few cars), and their first and last dates for the drill-down, are
            # read off this index instead of walking every job's order index for the car's.
            models.Index(fields=["vehicle", "-scheduled_date", "-created_at", "-id"], name="services_car_order_idx"),
            # The staff search matches the service type anywhere in it (`icontains`): with this, a search's
            # OR of "type matches" and "car is one of these" is two index scans (servicing.selectors).
            GinIndex(OpClass(Upper("service_type"), name="gin_trgm_ops"), name="services_type_trgm"),
            # Reports: every revenue figure reads completed jobs by completed_date range. Partial (only
            # completed rows) and covering (cost, vehicle, scheduled date, service type, technician) so
            # the overview, revenue and technician queries, filtered by type or technician or not, scan
            # the period's part of the index and never the table. EXPLAIN: docs/reports.md, "Indexes".
            # Reports: the technician filter's choices (a loose index scan, concierge/db/loose_index_scan.py)
            # and the technician filter itself. EXPLAIN: docs/reports.md, "Indexes".
            models.Index(fields=["technician"], name="services_technician_idx"),
            models.Index(
                fields=["completed_date"], name="services_completed_rpt_idx",
                condition=models.Q(status="completed"),
                include=["cost", "vehicle", "scheduled_date", "service_type", "technician"],
            ),
            # Reports: revenue by month, unfiltered (the overview's and the revenue page's twelve months:
            # most of a year's completed jobs at scale 10). The index above holds two text columns this
            # query does not read, and on 560 000 jobs PostgreSQL preferred the table to it (a parallel
            # scan of every job, ~100 ms); this one holds only what the query reads (44 against 77 MB),
            # index-only. docs/reports.md, "Indexes".
            models.Index(
                fields=["completed_date"], name="services_revenue_day_idx",
                condition=models.Q(status="completed"), include=["cost", "vehicle"],
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(completed_date__gte=models.F("scheduled_date")) | models.Q(completed_date__isnull=True),
                name="services_completed_after_scheduled",
            ),
            models.CheckConstraint(condition=models.Q(cost__gte=0), name="services_cost_not_negative"),
            # validate_scheduled_date's bounds, for every path that skips the forms (imports by SQL, a
            # workflow's follow-up). The top bound moves on with CURRENT_DATE, so a row once accepted
            # stays valid; one day of slack for CURRENT_DATE in UTC against today in Nairobi.
            models.CheckConstraint(
                condition=models.Q(scheduled_date__isnull=True) | (
                    models.Q(scheduled_date__gte=EARLIEST_SCHEDULED_DATE)
                    & models.Q(scheduled_date__lte=models.ExpressionWrapper(
                        CurrentDate() + models.Value(SCHEDULE_AHEAD_DAYS + 1), output_field=models.DateField(),
                    ))
                ),
                name="services_scheduled_date_bounds",
                violation_error_message="A job is booked from 1 Jan 2000 to two years ahead.",
            ),
        ]
        permissions = [
            ("change_service_price", "Can change the price of a service job"),
            # Technicians work on the car, not the bill (docs/staff-guide.md, "Roles").
            ("view_service_price", "Can see the price of a service job"),
        ]
        triggers = [set_updated_at_trigger(), audit_trigger()]

    def __str__(self):
        return f"{self.service_type} · {self.vehicle}"


class ServiceCollection(TimestampedModel):
    """A completed car handed back to its owner: one row per completed job, written by
    servicing.services.service_mark_collected. Its own table, so the seed's `services` keeps its
    columns; a car still in the yard is a completed job with no row here (the receivables report's
    "completed, not collected" list)."""

    service = models.OneToOneField(Service, on_delete=models.CASCADE, related_name="collection")
    collected_at = models.DateTimeField()
    # Staff accounts are deactivated, not deleted; SET_NULL keeps the record if one ever is (the audit
    # trail still names who).
    collected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
    )
    note = models.TextField(blank=True, default="", db_default="", help_text="Who came for the car, if not the owner; anything said at the handover.")

    class Meta:
        db_table = "service_collections"
        ordering = ["-collected_at"]
        indexes = [
            # Collected today (the receivables report) and the newest first.
            models.Index(fields=["collected_at"], name="service_collections_at_idx"),
        ]
        triggers = [
            set_updated_at_trigger(),
            audit_trigger(),
            # Only a completed job's car is collected, whatever the writer (seed_scale's bulk insert, SQL).
            # Completed is final (servicing/lifecycle.py), so the row stays true once written.
            pgtrigger.Trigger(
                name="collected_only_when_completed", when=pgtrigger.Before,
                operation=pgtrigger.Insert | pgtrigger.Update,
                func=(
                    "IF NOT EXISTS (SELECT 1 FROM services WHERE id = NEW.service_id AND status = 'completed') THEN "
                    "RAISE EXCEPTION 'only a completed job''s car is collected' "
                    "USING ERRCODE = 'integrity_constraint_violation'; END IF; RETURN NEW;"
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service} collected"

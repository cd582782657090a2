"""The money side of a job (docs/billing.md): the price list on the service-type catalogue, a job's
estimate lines and the owner's answer to each, and the invoices and credit notes issued from them.

Amounts are NUMERIC(12,2) in KES, quantities NUMERIC(10,2), rates NUMERIC(5,2). Prices and discounts
include VAT. A line's total, VAT and net are generated columns: PostgreSQL computes them, in NUMERIC,
from the line's own values, so every reader (admin, selectors, reports, the printed invoice) adds up
the same figures. Rounding rule (docs/billing.md): a line's total is quantity x unit price rounded to
the cent, less its discount; its VAT is total x rate / (100 + rate) rounded to the cent (half away from
zero: PostgreSQL's ROUND on NUMERIC); its net is total less VAT; a document's totals are the sums of
its lines.
"""

from decimal import Decimal

import pgtrigger
from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Round

from concierge.audit.triggers import audit_trigger
from concierge.crypto.fields import EncryptedCharField, KeyedHashField
from concierge.db.models import TimestampedModel, set_updated_at_trigger

# Money NUMERIC(12,2), quantities NUMERIC(10,2), rates NUMERIC(5,2): spelled out on each field below.
CURRENCY = "KES"

# A KRA PIN: A (individual) or P (non-individual), nine digits, a check letter: A123456789Z.
KRA_PIN_REGEX = r"^[AP][0-9]{9}[A-Z]$"
kra_pin_validator = RegexValidator(KRA_PIN_REGEX, "A KRA PIN is A or P, nine digits and a letter, e.g. P051234567X.")


def normalise_kra_pin(raw: str) -> str:
    return "".join(raw.split()).upper()


class TaxCategory(models.TextChoices):
    """VAT Act 2013: standard rate (16 %), zero-rated (0 %, input VAT claimable), exempt (no VAT)."""

    VAT16 = "vat16", "VAT 16%"
    ZERO_RATED = "zero", "Zero-rated (0%)"
    EXEMPT = "exempt", "Exempt"


# The rate each category charges, in percent. A line stores the rate it was priced at (tax_rate), so a
# future change of the standard rate does not move an estimate already sent or an invoice issued.
TAX_RATES = {TaxCategory.VAT16: Decimal("16.00"), TaxCategory.ZERO_RATED: Decimal("0.00"), TaxCategory.EXEMPT: Decimal("0.00")}


class LineKind(models.TextChoices):
    LABOUR = "labour", "Labour"
    PART = "part", "Part"


class PriceListItem(TimestampedModel):
    """One priced line of a catalogue service type: labour (standard hours x hourly rate) or a part
    (part number x unit price), with its VAT category. Prices include VAT (what the owner pays)."""

    service_type = models.ForeignKey(
        "servicing.ServiceType", on_delete=models.PROTECT, related_name="price_list_items",
    )
    kind = models.CharField(max_length=10, choices=LineKind.choices)
    description = models.CharField(max_length=200)
    part_number = models.CharField(max_length=50, blank=True, default="", db_default="")
    standard_hours = models.DecimalField(
        max_digits=10, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(Decimal("0.01"))],
        help_text="Labour: the standard time, in hours.",
    )
    hourly_rate = models.DecimalField(
        max_digits=12, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(Decimal("0"))], help_text="Labour: KES per hour, VAT included.",
    )
    unit_price = models.DecimalField(
        max_digits=12, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(Decimal("0"))], help_text="Part: KES per unit, VAT included.",
    )
    unit_cost = models.DecimalField(
        max_digits=12, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(Decimal("0"))],
        help_text="Part: what the shop pays per unit, before VAT (gross profit compares it with the net price; never shown to the owner).",
    )
    tax_category = models.CharField(max_length=10, choices=TaxCategory.choices, default=TaxCategory.VAT16)
    active = models.BooleanField(default=True, db_default=True)

    class Meta:
        db_table = "billing_price_list_items"
        ordering = ["service_type__name", "kind", "description"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind=LineKind.LABOUR, standard_hours__gt=0, hourly_rate__gte=0, unit_price__isnull=True)
                           | Q(kind=LineKind.PART, unit_price__gte=0, standard_hours__isnull=True, hourly_rate__isnull=True)),
                name="billing_price_list_item_priced",
                violation_error_message="Labour needs standard hours and an hourly rate; a part needs a unit price.",
            ),
            models.CheckConstraint(condition=Q(unit_cost__isnull=True) | Q(unit_cost__gte=0), name="billing_price_list_cost_not_negative"),
            models.CheckConstraint(condition=~Q(description=""), name="billing_price_list_description_not_empty"),
        ]
        triggers = [set_updated_at_trigger(), audit_trigger()]

    def __str__(self) -> str:
        return f"{self.service_type} · {self.description}"


class PricedLine(TimestampedModel):
    """What an estimate line and an invoice line share: the priced values and the figures PostgreSQL
    computes from them."""

    position = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(max_length=10, choices=LineKind.choices)
    description = models.CharField(max_length=200)
    part_number = models.CharField(max_length=50, blank=True, default="", db_default="")
    quantity = models.DecimalField(
        max_digits=10, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))], help_text="Hours for labour, units for parts.",
    )
    unit_price = models.DecimalField(max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal("0"))], help_text="KES, VAT included.")
    unit_cost = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(Decimal("0"))])
    discount = models.DecimalField(
        max_digits=12, decimal_places=2, default=Decimal("0.00"), db_default=Decimal("0.00"), validators=[MinValueValidator(Decimal("0"))],
        help_text="KES off this line, VAT included.",
    )
    tax_category = models.CharField(max_length=10, choices=TaxCategory.choices, default=TaxCategory.VAT16)
    tax_rate = models.DecimalField(max_digits=5, decimal_places=2, help_text="Percent, as priced.")
    # Prices include VAT (what the owner pays, as Kenyan prices are quoted), and the VAT is the part of
    # the line's amount the rate accounts for: amount x rate / (100 + rate). The same arithmetic as KRA's
    # eTIMS (OSCU: taxblAmt and taxAmt), so the invoice and KRA's record of it agree to the cent.
    total_amount = models.GeneratedField(
        expression=Round(F("quantity") * F("unit_price"), 2) - F("discount"),
        output_field=models.DecimalField(max_digits=14, decimal_places=2), db_persist=True,
    )
    tax_amount = models.GeneratedField(
        expression=Round(
            (Round(F("quantity") * F("unit_price"), 2) - F("discount")) * F("tax_rate") / (F("tax_rate") + Decimal("100")), 2,
        ),
        output_field=models.DecimalField(max_digits=14, decimal_places=2), db_persist=True,
    )
    net_amount = models.GeneratedField(
        expression=(Round(F("quantity") * F("unit_price"), 2) - F("discount")) - Round(
            (Round(F("quantity") * F("unit_price"), 2) - F("discount")) * F("tax_rate") / (F("tax_rate") + Decimal("100")), 2,
        ),
        output_field=models.DecimalField(max_digits=14, decimal_places=2), db_persist=True,
    )

    class Meta:
        abstract = True

    @staticmethod
    def line_constraints(prefix: str) -> list[models.BaseConstraint]:
        return [
            models.CheckConstraint(condition=Q(quantity__gt=0), name=f"{prefix}_quantity_positive"),
            models.CheckConstraint(condition=Q(unit_price__gte=0), name=f"{prefix}_price_not_negative"),
            models.CheckConstraint(condition=Q(unit_cost__isnull=True) | Q(unit_cost__gte=0), name=f"{prefix}_cost_not_negative"),
            models.CheckConstraint(
                condition=Q(discount__gte=0) & Q(discount__lte=Round(F("quantity") * F("unit_price"), 2)),
                name=f"{prefix}_discount_within_line",
                violation_error_message="The discount must be between 0 and the line's amount.",
            ),
            # The rate follows the category: VAT16 charges a positive rate, zero-rated and exempt none.
            models.CheckConstraint(
                condition=(Q(tax_category=TaxCategory.VAT16, tax_rate__gt=0, tax_rate__lte=100)
                           | Q(tax_category__in=[TaxCategory.ZERO_RATED, TaxCategory.EXEMPT], tax_rate=0)),
                name=f"{prefix}_rate_matches_category",
            ),
            models.CheckConstraint(condition=~Q(description=""), name=f"{prefix}_description_not_empty"),
        ]


# The priced values an invoice line copies from the line it bills (the computed amounts follow from them).
PRICED_FIELDS = ("position", "kind", "description", "part_number", "quantity", "unit_price", "unit_cost", "discount",
                 "tax_category", "tax_rate")


class Decision(models.TextChoices):
    PENDING = "pending", "Awaiting the owner"
    APPROVED = "approved", "Approved"
    DECLINED = "declined", "Declined"


class DecisionChannel(models.TextChoices):
    """How the owner's answer reached the shop."""

    IN_PERSON = "in_person", "In person"
    PHONE = "phone", "By phone"
    REPLY = "reply", "By reply (SMS or email)"
    PORTAL = "portal", "On the portal"


class EstimateLine(PricedLine):
    """One line of a job's estimate and the owner's answer to it. A declined line is *declined work*:
    kept, with a follow-up date on which declined_work_due reminds the shop (billing/workflow_events.py)."""

    service = models.ForeignKey("servicing.Service", on_delete=models.CASCADE, related_name="estimate_lines")
    price_list_item = models.ForeignKey(
        PriceListItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="estimate_lines",
    )
    decision = models.CharField(
        max_length=10, choices=Decision.choices, default=Decision.PENDING, db_default=Decision.PENDING,
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        help_text="Who recorded the owner's answer.",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_via = models.CharField(max_length=10, choices=DecisionChannel.choices, blank=True, default="", db_default="")
    follow_up_date = models.DateField(null=True, blank=True, help_text="Declined work: when to remind the owner.")
    # Declined work the owner later had done: the job that did it (the reports' "recovered" figure).
    recovered_in = models.ForeignKey(
        "servicing.Service", on_delete=models.SET_NULL, null=True, blank=True, related_name="recovered_estimate_lines",
    )

    class Meta:
        db_table = "billing_estimate_lines"
        ordering = ["service", "position", "created_at"]
        indexes = [
            models.Index(fields=["service", "position"], name="billing_est_service_pos_idx"),
            # Declined work due for a reminder, and the reports' call list.
            models.Index(
                fields=["follow_up_date"], name="billing_est_declined_due_idx",
                condition=Q(decision=Decision.DECLINED, recovered_in__isnull=True),
            ),
        ]
        constraints = [
            *PricedLine.line_constraints("billing_est"),
            models.CheckConstraint(
                condition=(Q(decision=Decision.PENDING, decided_at__isnull=True, decided_via="")
                           | (~Q(decision=Decision.PENDING) & Q(decided_at__isnull=False) & ~Q(decided_via=""))),
                name="billing_est_decision_recorded",
                violation_error_message="An answer needs when and how it was given.",
            ),
            models.CheckConstraint(
                condition=Q(follow_up_date__isnull=True) | Q(decision=Decision.DECLINED),
                name="billing_est_follow_up_only_declined",
            ),
            models.CheckConstraint(
                condition=Q(recovered_in__isnull=True) | Q(decision=Decision.DECLINED),
                name="billing_est_recovered_only_declined",
            ),
        ]
        permissions = [("record_estimate_decision", "Can record the owner's answer to an estimate line")]
        triggers = [set_updated_at_trigger(), audit_trigger()]

    def __str__(self) -> str:
        return self.description


class DocumentKind(models.TextChoices):
    INVOICE = "invoice", "Tax invoice"
    CREDIT_NOTE = "credit_note", "Credit note"


NUMBER_PREFIXES = {DocumentKind.INVOICE: "INV", DocumentKind.CREDIT_NOTE: "CN"}


class DocumentCounter(models.Model):
    """The last number issued in each series (invoices, credit notes). The issuing service locks the
    row (SELECT ... FOR UPDATE) in the transaction that inserts the document: a rollback rolls the
    counter back with it (no gap), and a second issuer waits for the first to commit (no reuse). The
    trigger refuses any move other than +1 and any delete, whatever the writer."""

    series = models.CharField(max_length=20, primary_key=True, choices=DocumentKind.choices)
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        db_table = "billing_document_counters"
        triggers = [
            pgtrigger.Trigger(
                name="counter_only_counts_up",
                when=pgtrigger.Before,
                operation=pgtrigger.Update | pgtrigger.Delete,
                func=(
                    "IF TG_OP = 'DELETE' THEN RAISE EXCEPTION 'document numbers are never reset' "
                    "USING ERRCODE = 'integrity_constraint_violation'; END IF; "
                    "IF NEW.series <> OLD.series OR NEW.last_number <> OLD.last_number + 1 THEN "
                    "RAISE EXCEPTION 'a document counter only moves on by one' "
                    "USING ERRCODE = 'integrity_constraint_violation'; END IF; RETURN NEW;"
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.series}: {self.last_number}"


def _refuse(what: str) -> str:
    return (f"RAISE EXCEPTION '{what} % refused: issued documents are immutable (correct by credit note)', TG_OP "
            "USING ERRCODE = 'integrity_constraint_violation';")


# The issuing transaction is the one whose start (CURRENT_TIMESTAMP) is the row's created_at: it may
# write the totals it summed from the lines it inserted. Once it commits, nothing changes the row.
_INVOICE_IMMUTABLE = (
    "IF TG_OP = 'UPDATE' AND OLD.created_at = CURRENT_TIMESTAMP AND NEW.created_at = OLD.created_at THEN RETURN NEW; END IF; "
    + _refuse("invoice")
)


class Invoice(TimestampedModel):
    """An issued tax invoice or credit note: a legal record, never changed once the transaction that
    issued it commits (the database refuses UPDATE and DELETE; within that transaction, the issuing
    service writes the totals it summed from the lines it inserted). It keeps its own copy of who issued it to whom (names, KRA
    PINs, plate), so that later edits, and a client's erasure, leave it as issued.

    Totals are written once, at issue, from the sums PostgreSQL computes over its lines
    (billing.selectors.lines_totals); a credit note's amounts are positive and its kind says they are subtracted.
    """

    kind = models.CharField(max_length=12, choices=DocumentKind.choices)
    number = models.PositiveIntegerField()
    service = models.ForeignKey("servicing.Service", on_delete=models.PROTECT, related_name="invoices")
    client = models.ForeignKey("clients.Client", on_delete=models.PROTECT, related_name="invoices")
    credited_invoice = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="credit_notes",
    )
    issue_date = models.DateField()
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
    )
    shop_name = models.CharField(max_length=200)
    shop_kra_pin = models.CharField(max_length=11, blank=True)
    customer_name = models.CharField(max_length=201)
    customer_kra_pin = models.CharField(max_length=11, blank=True)
    vehicle_registration = models.CharField(max_length=20, blank=True)
    reason = models.TextField(blank=True, help_text="Credit note: why.")
    currency = models.CharField(max_length=3, default=CURRENCY, db_default=CURRENCY)
    net_total = models.DecimalField(max_digits=12, decimal_places=2)
    tax_total = models.DecimalField(max_digits=12, decimal_places=2)
    total = models.DecimalField(max_digits=12, decimal_places=2)

    class Meta:
        db_table = "billing_invoices"
        ordering = ["-issue_date", "-number"]
        indexes = [
            models.Index(fields=["issue_date"], name="billing_invoices_date_idx"),
            models.Index(fields=["client", "-issue_date"], name="billing_invoices_client_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["kind", "number"], name="billing_invoices_number_uniq"),
            # One invoice per job; corrections are credit notes against it.
            models.UniqueConstraint(
                fields=["service"], condition=Q(kind=DocumentKind.INVOICE), name="billing_invoices_one_per_job",
            ),
            models.CheckConstraint(condition=Q(number__gt=0), name="billing_invoices_number_positive"),
            models.CheckConstraint(
                condition=(Q(kind=DocumentKind.INVOICE, credited_invoice__isnull=True)
                           | Q(kind=DocumentKind.CREDIT_NOTE, credited_invoice__isnull=False)),
                name="billing_invoices_credit_note_names_invoice",
            ),
            models.CheckConstraint(
                condition=Q(net_total__gte=0, tax_total__gte=0, total=F("net_total") + F("tax_total")),
                name="billing_invoices_totals_add_up",
            ),
            models.CheckConstraint(
                condition=Q(shop_kra_pin="") | Q(shop_kra_pin__regex=KRA_PIN_REGEX), name="billing_invoices_shop_pin_format",
            ),
            models.CheckConstraint(
                condition=Q(customer_kra_pin="") | Q(customer_kra_pin__regex=KRA_PIN_REGEX),
                name="billing_invoices_customer_pin_format",
            ),
        ]
        permissions = [("issue_credit_note", "Can issue a credit note against an invoice")]
        triggers = [
            audit_trigger(),
            pgtrigger.Trigger(
                name="invoice_immutable", when=pgtrigger.Before,
                operation=pgtrigger.Update | pgtrigger.Delete, func=_INVOICE_IMMUTABLE,
            ),
        ]

    def __str__(self) -> str:
        return self.display_number

    @property
    def display_number(self) -> str:
        return f"{NUMBER_PREFIXES[DocumentKind(self.kind)]}-{self.number:06d}"


class InvoiceLine(PricedLine):
    """A line of an issued invoice or credit note: a copy of an approved estimate line (or, on a credit
    note, of the invoice line it credits). Inserted only in the transaction that issued its document
    (the invoice's created_at, CURRENT_TIMESTAMP, is the transaction's start); never updated or deleted."""

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="lines")
    estimate_line = models.ForeignKey(
        EstimateLine, on_delete=models.PROTECT, null=True, blank=True, related_name="invoice_lines",
    )
    credited_line = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="credit_lines",
    )

    class Meta:
        db_table = "billing_invoice_lines"
        ordering = ["invoice", "position"]
        constraints = PricedLine.line_constraints("billing_inv")
        triggers = [
            audit_trigger(),
            pgtrigger.Trigger(
                name="invoice_line_immutable", when=pgtrigger.Before,
                operation=pgtrigger.Update | pgtrigger.Delete, func=_refuse("invoice line"),
            ),
            pgtrigger.Trigger(
                name="invoice_line_only_at_issue", when=pgtrigger.Before, operation=pgtrigger.Insert,
                func=(
                    "IF NOT EXISTS (SELECT 1 FROM billing_invoices WHERE id = NEW.invoice_id AND created_at = CURRENT_TIMESTAMP) THEN "
                    "RAISE EXCEPTION 'lines are added to an invoice only when it is issued' "
                    "USING ERRCODE = 'integrity_constraint_violation'; END IF; RETURN NEW;"
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.description


class CustomerTaxPin(TimestampedModel):
    """A client's KRA PIN, printed on their invoices (a business customer needs it to claim the VAT).
    Encrypted like the contacts; an individual's PIN is personal data, and erasure deletes this row
    (invoices already issued keep their copy)."""

    client = models.OneToOneField("clients.Client", on_delete=models.CASCADE, related_name="tax_pin")
    kra_pin = EncryptedCharField(max_length=255, plaintext_max_bytes=11, validators=[kra_pin_validator])
    kra_pin_hash = KeyedHashField(source="kra_pin", normaliser=normalise_kra_pin)

    class Meta:
        db_table = "billing_customer_tax_pins"
        verbose_name = "customer KRA PIN"
        triggers = [
            set_updated_at_trigger(),
            audit_trigger(encrypted={"kra_pin": "kra_pin_hash"}, omitted=("kra_pin_hash",)),
        ]

    def __str__(self) -> str:
        return f"KRA PIN of {self.client}"

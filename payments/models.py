"""Money received against invoices (docs/payments.md): the payments ledger.

One row per movement of money: a payment (cash, card, M-Pesa) or a refund, always a positive
NUMERIC(12,2) amount whose `kind` says which way it went (signed sums are taken in SQL:
payments add, refunds subtract). Rows are never changed or deleted (a trigger refuses it, whoever
writes): a mistake is corrected by a refund. An invoice's paid amount is the signed sum of its rows;
more than is due is the client's credit, held on that invoice until refunded.
"""

import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import Q

from concierge.audit.triggers import audit_trigger
from concierge.db.functions import CurrentTimestamp
from concierge.db.models import UUIDModel

# An M-Pesa receipt ("transaction ID"): ten capital letters and digits, e.g. SKL3ABCD9X.
MPESA_RECEIPT_REGEX = r"^[A-Z0-9]{10}$"


class Method(models.TextChoices):
    CASH = "cash", "Cash"
    CARD = "card", "Card"
    MPESA = "mpesa", "M-Pesa"


class EntryKind(models.TextChoices):
    PAYMENT = "payment", "Payment"
    REFUND = "refund", "Refund"


# Checked by the database on every insert, whoever inserts: the invoice is an invoice (not a credit
# note) of the same client, and a refund never takes back more than the invoice holds. The invoice
# row is locked first so that two writers for one invoice are serialised (the second sees the first's row).
_INSERT_CHECK = (
    "SELECT kind, client_id INTO inv FROM billing_invoices WHERE id = NEW.invoice_id FOR UPDATE; "
    "IF inv.kind IS DISTINCT FROM 'invoice' THEN RAISE EXCEPTION 'payments are recorded against an invoice' "
    "USING ERRCODE = 'integrity_constraint_violation'; END IF; "
    "IF inv.client_id IS DISTINCT FROM NEW.client_id THEN RAISE EXCEPTION 'a payment names its invoice''s client' "
    "USING ERRCODE = 'integrity_constraint_violation'; END IF; "
    "IF NEW.kind = 'refund' THEN "
    "SELECT COALESCE(SUM(CASE WHEN kind = 'payment' THEN amount ELSE -amount END), 0) INTO held "
    "FROM payments_ledger WHERE invoice_id = NEW.invoice_id; "
    "IF NEW.amount > held THEN RAISE EXCEPTION 'a refund of % is more than the % paid on the invoice', NEW.amount, held "
    "USING ERRCODE = 'check_violation'; END IF; END IF; RETURN NEW;"
)


class Payment(UUIDModel):
    """A payment or refund against an invoice: immutable and audited."""

    invoice = models.ForeignKey("billing.Invoice", on_delete=models.PROTECT, related_name="payments")
    # The invoice's client, kept on the row for the client's statement and credit (checked on insert).
    client = models.ForeignKey("clients.Client", on_delete=models.PROTECT, related_name="payments")
    kind = models.CharField(max_length=10, choices=EntryKind.choices, default=EntryKind.PAYMENT)
    method = models.CharField(max_length=10, choices=Method.choices)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    # M-Pesa: the receipt code (MpesaReceiptNumber / TransID); cash or card: a slip number, optional.
    reference = models.CharField(max_length=40, blank=True, default="", db_default="")
    received_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
    )
    note = models.CharField(max_length=200, blank=True, default="", db_default="")
    # A form's or caller's token: the same request twice (a double click, a retried task) records once.
    idempotency_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    created_at = models.DateTimeField(db_default=CurrentTimestamp(), editable=False)

    class Meta:
        db_table = "payments_ledger"
        ordering = ["-received_at", "-created_at"]
        # The admin's own add/change/delete stay off (rows are written by the services): these two say
        # who may record money in and who may give it back.
        permissions = [
            ("record_payment", "Can record a payment or request one by M-Pesa"),
            ("record_refund", "Can record a refund"),
        ]
        indexes = [
            models.Index(fields=["invoice", "kind"], name="payments_ledger_invoice_idx"),
            models.Index(fields=["client", "-received_at"], name="payments_ledger_client_idx"),
            models.Index(fields=["received_at", "method"], name="payments_ledger_received_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payments_ledger_amount_positive"),
            # A receipt code is one payment: a replayed callback or a Paybill confirmation for an STK
            # payment we already have can never record it twice.
            models.UniqueConstraint(
                fields=["reference"], condition=Q(method=Method.MPESA, kind=EntryKind.PAYMENT),
                name="payments_ledger_mpesa_receipt_uniq",
            ),
            models.CheckConstraint(
                condition=~Q(method=Method.MPESA, kind=EntryKind.PAYMENT) | Q(reference__regex=MPESA_RECEIPT_REGEX),
                name="payments_ledger_mpesa_receipt_format",
            ),
        ]
        triggers = [
            audit_trigger(),
            pgtrigger.Trigger(
                name="payment_immutable", when=pgtrigger.Before, operation=pgtrigger.Update | pgtrigger.Delete,
                func=("RAISE EXCEPTION 'payment % refused: the ledger is append-only (correct by a refund)', TG_OP "
                      "USING ERRCODE = 'integrity_constraint_violation';"),
            ),
            pgtrigger.Trigger(
                name="payment_insert_check", when=pgtrigger.Before, operation=pgtrigger.Insert,
                declare=[("inv", "RECORD"), ("held", "NUMERIC")], func=_INSERT_CHECK,
            ),
        ]

    def __str__(self) -> str:
        sign = "-" if self.kind == EntryKind.REFUND else ""
        return f"{self.get_method_display()} {sign}KES {self.amount:,}"

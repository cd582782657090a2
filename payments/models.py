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
from concierge.crypto.fields import EncryptedCharField
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
                fields=["reference"], condition=Q(method=Method.MPESA, kind=EntryKind.PAYMENT) & ~Q(reference=""),
                name="payments_ledger_mpesa_receipt_uniq",
            ),
            # Empty only for an STK payment settled by the status query, which gives no receipt code
            # (the request row keeps it if the callback comes later).
            models.CheckConstraint(
                condition=(~Q(method=Method.MPESA, kind=EntryKind.PAYMENT) | Q(reference="")
                           | Q(reference__regex=MPESA_RECEIPT_REGEX)),
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


class RequestState(models.TextChoices):
    QUEUED = "queued", "Queued"
    SENDING = "sending", "Sending"
    PENDING = "pending", "Waiting for the owner"
    PAID = "paid", "Paid"
    FAILED = "failed", "Not paid"
    REFUSED = "refused", "Refused by M-Pesa"
    UNCERTAIN = "uncertain", "Uncertain"


# ResultCode (callback or status query) in words for staff.
RESULT_WORDS = {
    "0": "Paid.",
    "1": "Not paid: the owner's M-Pesa balance was too low.",
    "1032": "Not paid: the owner cancelled the prompt on their phone.",
    "1037": "Not paid: the owner's phone did not answer in time (off, out of reach, or no PIN entered).",
    "2001": "Not paid: the owner entered a wrong M-Pesa PIN.",
    "1025": "Not paid: M-Pesa could not send the prompt; try again.",
    "1019": "Not paid: the prompt expired before the owner answered.",
}


def result_in_words(code: str, desc: str = "") -> str:
    return RESULT_WORDS.get(str(code), f"Not paid: M-Pesa said {desc or 'no reason'} (code {code}).")


class MpesaRequest(UUIDModel):
    """An STK push asking the owner's phone to pay an invoice: an outbox row, written in the staff
    member's transaction and sent by a task after commit, at most once (docs/payments.md)."""

    invoice = models.ForeignKey("billing.Invoice", on_delete=models.PROTECT, related_name="mpesa_requests")
    amount = models.DecimalField(max_digits=12, decimal_places=2)  # whole shillings
    # 2547XXXXXXXX / 2541XXXXXXXX; encrypted like the client's own number, masked for people.
    phone = EncryptedCharField(max_length=255, plaintext_max_bytes=12)
    phone_masked = models.CharField("phone", max_length=20)
    account_reference = models.CharField(max_length=12)
    state = models.CharField(max_length=10, choices=RequestState.choices, default=RequestState.QUEUED)
    merchant_request_id = models.CharField(max_length=64, blank=True, default="")
    checkout_request_id = models.CharField(max_length=64, blank=True, default="")
    result_code = models.CharField(max_length=20, blank=True, default="")
    status_message = models.CharField("what happened", max_length=300, blank=True, default="")
    receipt_number = models.CharField(max_length=20, blank=True, default="")
    payment = models.OneToOneField(Payment, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+")
    idempotency_key = models.UUIDField(unique=True, editable=False)
    created_at = models.DateTimeField(db_default=CurrentTimestamp(), editable=False)
    sent_at = models.DateTimeField(null=True, blank=True)
    settled_at = models.DateTimeField(null=True, blank=True)
    last_queried_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "payments_mpesa_requests"
        verbose_name = "M-Pesa request"
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["state", "sent_at"], name="mpesa_requests_state_idx"),
            models.Index(fields=["invoice", "-created_at"], name="mpesa_requests_invoice_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=1) & Q(amount=models.functions.Round("amount")),
                                   name="mpesa_requests_whole_shillings"),
            models.UniqueConstraint(fields=["checkout_request_id"], condition=~Q(checkout_request_id=""),
                                    name="mpesa_requests_checkout_uniq"),
        ]
        triggers = [audit_trigger(omitted=("phone",))]

    def __str__(self) -> str:
        return f"M-Pesa request KES {self.amount:,} for {self.account_reference} ({self.get_state_display()})"


class CallbackKind(models.TextChoices):
    STK = "stk", "STK push result"
    C2B_CONFIRMATION = "c2b_confirmation", "Paybill confirmation"
    C2B_VALIDATION = "c2b_validation", "Paybill validation"


class CallbackOutcome(models.TextChoices):
    UNPROCESSED = "", "Not processed yet"
    RECORDED = "recorded", "Payment recorded"
    NOT_PAID = "not_paid", "Owner did not pay"
    DUPLICATE = "duplicate", "Already processed"
    UNMATCHED = "unmatched", "Kept for staff to match"
    REFUSED_UNKNOWN = "refused_unknown", "Refused: not a request we made"
    REFUSED_AMOUNT = "refused_amount", "Refused: amount differs from the request"
    REFUSED_REPLAY = "refused_replay", "Refused: receipt already used"
    REFUSED_SHORTCODE = "refused_shortcode", "Refused: another shortcode"
    INVALID = "invalid", "Refused: invalid body"
    ANSWERED = "answered", "Answered"


REFUSALS = (CallbackOutcome.REFUSED_UNKNOWN, CallbackOutcome.REFUSED_AMOUNT, CallbackOutcome.REFUSED_REPLAY,
            CallbackOutcome.REFUSED_SHORTCODE, CallbackOutcome.INVALID)


class MpesaCallback(UUIDModel):
    """A body Daraja POSTed to us, written (and committed) before it is processed: a processing
    failure leaves it here for the sweep, and refused ones are the staff's list of forgeries and
    oddities. The payer's phone number is masked before it is kept; nothing else is changed."""

    kind = models.CharField(max_length=20, choices=CallbackKind.choices)
    received_at = models.DateTimeField(db_default=CurrentTimestamp(), editable=False)
    body = models.JSONField(help_text="As received, the phone number masked.")
    request = models.ForeignKey(MpesaRequest, on_delete=models.PROTECT, null=True, blank=True, related_name="callbacks")
    processed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=20, choices=CallbackOutcome.choices, blank=True, default="")
    detail = models.CharField(max_length=300, blank=True, default="")

    class Meta:
        db_table = "payments_mpesa_callbacks"
        verbose_name = "M-Pesa callback"
        ordering = ["-received_at"]
        indexes = [
            models.Index(fields=["received_at"], name="mpesa_callbacks_unprocessed",
                         condition=Q(processed_at__isnull=True)),
            models.Index(fields=["outcome", "-received_at"], name="mpesa_callbacks_outcome_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.received_at:%d/%m/%Y %H:%M} ({self.get_outcome_display()})"


class PaybillState(models.TextChoices):
    MATCHED = "matched", "Matched automatically"
    UNMATCHED = "unmatched", "Unmatched: waiting for staff"
    ASSIGNED = "assigned", "Assigned by staff"


class PaybillPayment(UUIDModel):
    """A Paybill (C2B) payment Daraja confirmed: matched to an invoice by its account (the invoice
    number), or waiting in the "Unmatched payments" list for staff to assign in one click."""

    trans_id = models.CharField("M-Pesa receipt", max_length=20, unique=True)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    bill_ref = models.CharField("account typed", max_length=40, blank=True, default="")
    payer_name = models.CharField(max_length=100, blank=True, default="")
    phone_masked = models.CharField("phone", max_length=20, blank=True, default="")
    paid_at = models.DateTimeField()
    state = models.CharField(max_length=10, choices=PaybillState.choices)
    suggested_invoice = models.ForeignKey("billing.Invoice", on_delete=models.PROTECT, null=True, blank=True,
                                          related_name="+", help_text="A loose match for staff to confirm.")
    suggestion_reason = models.CharField(max_length=100, blank=True, default="")
    payment = models.OneToOneField(Payment, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    assigned_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(db_default=CurrentTimestamp(), editable=False)

    class Meta:
        db_table = "payments_paybill_payments"
        verbose_name = "Paybill payment"
        ordering = ["-paid_at"]
        indexes = [models.Index(fields=["state", "-paid_at"], name="paybill_payments_state_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="paybill_payments_amount_positive"),
            models.CheckConstraint(condition=Q(state=PaybillState.UNMATCHED) | Q(payment__isnull=False),
                                   name="paybill_payments_matched_has_payment"),
        ]
        triggers = [audit_trigger()]

    def __str__(self) -> str:
        return f"{self.trans_id} KES {self.amount:,} ({self.bill_ref or 'no account'})"


class RunningBalance(models.Model):
    """An invoice's figures kept by the database (docs/payments.md, "Running balances"): its row is
    written by triggers on billing_invoices and payments_ledger in the transaction of each write
    (payments/migrations/0004), never by our code. `due` is the invoice's total less its credit notes'
    totals; `received` its payments; `refunded` its refunds; `balance` = due - received + refunded
    (positive: owed; negative: the client's credit). client_id and issue_date are the invoice's (issued
    documents never change), kept here so that the receivables report reads this table alone."""

    kept_by_triggers = True  # the application role only reads it (concierge.db.roles)

    invoice = models.OneToOneField(
        "billing.Invoice", on_delete=models.PROTECT, primary_key=True, related_name="running_balance",
    )
    client = models.ForeignKey("clients.Client", on_delete=models.PROTECT, related_name="+")
    issue_date = models.DateField()
    due = models.DecimalField(max_digits=12, decimal_places=2, default=0, db_default=0)
    received = models.DecimalField(max_digits=12, decimal_places=2, default=0, db_default=0)
    refunded = models.DecimalField(max_digits=12, decimal_places=2, default=0, db_default=0)
    balance = models.GeneratedField(
        expression=models.F("due") - models.F("received") + models.F("refunded"),
        output_field=models.DecimalField(max_digits=12, decimal_places=2), db_persist=True,
    )

    class Meta:
        db_table = "payments_invoice_balances"
        default_permissions = ()
        indexes = [
            # "Owed" and "credit": the few invoices whose balance is not zero, found without reading the
            # paid-up rest; covering what the receivables report reads, so an index-only scan serves it.
            models.Index(fields=["client", "issue_date"], include=["balance"], condition=Q(balance__gt=0),
                         name="payments_balances_owed_idx"),
            models.Index(fields=["client", "issue_date"], include=["balance"], condition=Q(balance__lt=0),
                         name="payments_balances_credit_idx"),
        ]

    def __str__(self) -> str:
        return f"balance KES {self.balance:,}"

from django.conf import settings
from django.db import models

from concierge.audit.triggers import audit_trigger
from concierge.db.functions import CurrentTimestamp
from concierge.db.models import UUIDModel

# KRA's invoice numbers (invcNo) come from this sequence: unique per PIN and branch across invoices and
# credit notes, increasing; a rolled-back invoice leaves a gap here, which KRA accepts (the shop's own
# gap-free numbers travel as trdInvcNo). Created by migration 0001.
INVC_NO_SEQUENCE = "etims_invc_no_seq"


class DocumentKind(models.TextChoices):
    INVOICE = "invoice", "Invoice"
    CREDIT_NOTE = "credit_note", "Credit note"


class TransmissionState(models.TextChoices):
    QUEUED = "queued", "Queued"
    SENDING = "sending", "Sending"
    ACCEPTED = "accepted", "Accepted by KRA"
    REJECTED = "rejected", "Refused by KRA"
    UNCERTAIN = "uncertain", "Uncertain: KRA may have it"
    NOT_CONFIGURED = "not_configured", "Not sent: eTIMS not configured"


# Issued but not (yet) confirmed by KRA: the admin's "awaiting KRA" list and the invoice's status line.
AWAITING_KRA = (TransmissionState.QUEUED, TransmissionState.SENDING, TransmissionState.UNCERTAIN,
                TransmissionState.REJECTED)


class Transmission(UUIDModel):
    """One invoice or credit note on its way to KRA eTIMS (the outbox row).

    Written in the invoice's own transaction with the request body as it will be sent; sent by a task
    that claims the row (`sending`, committed) before calling KRA, so a second worker finds nothing
    to claim and a worker that dies mid-call leaves a row the sweeper marks `uncertain`, never resent
    automatically. docs/etims.md, "States".
    """

    kind = models.CharField(max_length=20, choices=DocumentKind.choices)
    number = models.BigIntegerField(help_text="The shop's number of the invoice or credit note.")
    original_number = models.BigIntegerField(null=True, blank=True,
                                             help_text="For a credit note: the number of the invoice it corrects.")
    invc_no = models.BigIntegerField("KRA invoice no.", unique=True, editable=False)
    org_invc_no = models.BigIntegerField("KRA original invoice no.", default=0, editable=False)
    payload = models.JSONField(editable=False, help_text="The saveTrnsSalesOsdc body, as built when it was queued.")
    total_amount = models.DecimalField(max_digits=14, decimal_places=2, editable=False)
    state = models.CharField(max_length=20, choices=TransmissionState.choices, default=TransmissionState.QUEUED)
    created_at = models.DateTimeField(db_default=CurrentTimestamp(), editable=False)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    requeued_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True, default="")
    # KRA's answer: resultCd/resultMsg of the last answer; the receipt fields once accepted.
    result_code = models.CharField(max_length=10, blank=True, default="")
    result_message = models.CharField(max_length=200, blank=True, default="")
    cur_rcpt_no = models.CharField("receipt no.", max_length=40, blank=True, default="")
    tot_rcpt_no = models.CharField("total receipt no.", max_length=40, blank=True, default="")
    intrl_data = models.CharField("internal data", max_length=200, blank=True, default="")
    rcpt_sign = models.CharField("receipt signature", max_length=100, blank=True, default="")
    sdc_date_time = models.CharField("control unit time", max_length=14, blank=True, default="",
                                     help_text="YYYYMMDDhhmmss, the control unit's clock.")
    sdc_id = models.CharField("control unit id", max_length=40, blank=True, default="")
    qr_url = models.CharField("QR code", max_length=300, blank=True, default="",
                              help_text="KRA's verification link, printed as the invoice's QR code.")
    accepted_at = models.DateTimeField(null=True, blank=True)
    # A person's decision on an uncertain or refused transmission.
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", editable=False)
    resolved_at = models.DateTimeField(null=True, blank=True, editable=False)
    resolution_note = models.CharField(max_length=200, blank=True, default="", editable=False)

    class Meta:
        db_table = "etims_transmissions"
        ordering = ["-created_at"]
        constraints = [
            # A document is queued once, whoever asks twice.
            models.UniqueConstraint(fields=["kind", "number"], name="etims_transmission_document_unique"),
            models.CheckConstraint(condition=models.Q(state__in=TransmissionState.values),
                                   name="etims_transmission_state_check"),
            models.CheckConstraint(condition=models.Q(kind__in=DocumentKind.values),
                                   name="etims_transmission_kind_check"),
            models.CheckConstraint(
                condition=models.Q(kind=DocumentKind.INVOICE, original_number__isnull=True)
                | models.Q(kind=DocumentKind.CREDIT_NOTE, original_number__isnull=False),
                name="etims_transmission_credit_note_original",
            ),
        ]
        indexes = [
            # The admin's "awaiting KRA" list and the sweeper: few rows among many accepted ones.
            models.Index(fields=["created_at"], name="etims_transmission_awaiting",
                         condition=models.Q(state__in=[s.value for s in AWAITING_KRA])),
        ]
        triggers = [audit_trigger()]
        permissions = [("resolve_transmission", "Can resolve an uncertain or refused eTIMS transmission")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number} ({self.get_state_display()})"

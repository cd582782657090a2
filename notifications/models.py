from django.conf import settings
from django.db import models
from django.db.models import F

from concierge.audit.triggers import audit_trigger
from concierge.db.fields import PgEnumField
from concierge.db.functions import CurrentTimestamp
from concierge.db.models import UUIDModel

from .links import LinkKind


class NotificationType(models.TextChoices):
    """The seed's `notification_type` ENUM: how the message travels."""

    SMS = "SMS", "SMS"
    EMAIL = "email", "Email"
    IN_APP = "in_app", "In-app"


class NotificationStatus(models.TextChoices):
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    PENDING = "pending", "Pending"


class DeliveryState(models.TextChoices):
    """What the network said about an SMS the provider took (its delivery reports): blank until one came."""

    PENDING = "pending", "Pending at the network"
    DELIVERED = "delivered", "Delivered"
    FAILED = "failed", "Not delivered"


class MessageCategory(models.TextChoices):
    """Why a message is sent, which decides the consent and quiet-hours rules it meets
    (docs/notifications.md, "Opt-out, consent and quiet hours")."""

    SERVICE = "service", "Service (the owner's job needs it)"
    REMINDER = "reminder", "Reminder"
    MARKETING = "marketing", "Marketing"
    # The one answer to an owner's STOP or START: never held back, not even by a policy that makes an
    # opt-out cover service messages (the owner is told it worked). Not a choice in workflows.
    CONFIRMATION = "confirmation", "Opt-out / opt-in confirmation"


# Opting out by reply, and the hours at night, hold back only these; service messages still go.
OPTIONAL_CATEGORIES = (MessageCategory.REMINDER, MessageCategory.MARKETING)


class Notification(UUIDModel):
    """A message to a client (or, for escalations, to a staff member): the seed's `notifications` table.

    Life: written `pending` (sent_at NULL), claimed by one delivery task (claimed_at), then `sent`
    with sent_at (the provider accepted it), `failed` with the reason in `error` (it provably did not
    go out), or `failed` with delivery_uncertain set (we cannot know; a person may resend it once).
    """

    client = models.ForeignKey(
        "clients.Client", on_delete=models.CASCADE, null=True, blank=True, related_name="notifications"
    )
    vehicle = models.ForeignKey(
        "fleet.Vehicle", on_delete=models.CASCADE, null=True, blank=True, related_name="notifications"
    )
    service = models.ForeignKey(
        "servicing.Service", on_delete=models.CASCADE, null=True, blank=True, related_name="notifications"
    )
    # The seed names this column `type`; `channel` says what it is without shadowing a builtin.
    channel = PgEnumField("type", db_column="type", enum_name="notification_type", choices=NotificationType.choices)
    message = models.TextField()
    sent_at = models.DateTimeField(null=True, blank=True, db_default=CurrentTimestamp())
    status = models.CharField(
        max_length=20, choices=NotificationStatus.choices,
        default=NotificationStatus.SENT, db_default=NotificationStatus.SENT,
    )
    # Columns beyond the seed, for delivery: who (staff escalations have no client), why it failed,
    # and the bookkeeping that keeps a message from going out twice.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True,
        related_name="notifications", help_text="Staff recipient (escalations); empty for client messages.",
    )
    subject = models.CharField(max_length=200, blank=True, default="", db_default="")
    marketing = models.BooleanField(
        default=False, db_default=False, help_text="Beyond what the job needs: sent only with the client's consent."
    )
    # An opted-out phone and the quiet hours hold back reminders and marketing only.
    category = models.CharField(max_length=12, choices=MessageCategory.choices,
                                default=MessageCategory.SERVICE, db_default=MessageCategory.SERVICE)
    created_at = models.DateTimeField(db_default=CurrentTimestamp(), editable=False)
    attempts = models.PositiveSmallIntegerField(default=0, db_default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    # When the sweeper last queued it again: it waits a full sweep age before queueing it once more,
    # so a long backlog is not multiplied by every sweep.
    requeued_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True, default="", db_default="")
    # Within the seed's three statuses, "we do not know": the request may have reached the provider but
    # its answer was lost (timeout after sending, connection dropped, worker killed mid-send). Such a row
    # is `failed` with a "delivery uncertain" reason and this flag; it is never resent automatically,
    # only by a person (docs/notifications.md, "Sent, failed, uncertain").
    # A link with a secret in it is made at send time (notifications/links.py): `message` holds its
    # placeholder, this says which link (it starts with PORTAL_BASE_URL).
    link = models.CharField(max_length=20, choices=LinkKind.choices, blank=True, default="", db_default="")
    # The language the text was written in when the row was made (a workflow's text for the client's
    # preferred language, or English when the workflow has none): the portal shows the stored text
    # as it was sent, marked with this language, never rendered again in today's.
    language = models.CharField(max_length=2, choices=settings.LANGUAGES, default="en", db_default="en")
    delivery_uncertain = models.BooleanField(
        default=False, db_default=False, verbose_name="delivery uncertain",
        help_text="The provider may have the message: not resent automatically; a person decides.",
    )
    provider_message_id = models.CharField(max_length=100, blank=True, default="", db_default="")
    # `sent` says the provider took the message; these say what the network did with it, from the
    # provider's delivery reports (DeliveryReport below; docs/notifications.md, "Delivery reports").
    delivery_state = models.CharField(
        max_length=10, choices=DeliveryState.choices, blank=True, default="", db_default="",
        verbose_name="delivery", help_text="From the provider's delivery reports; empty until the first one.",
    )
    delivery_status = models.CharField(max_length=20, blank=True, default="", db_default="",
                                       help_text="The provider's last status: Sent, Submitted, Buffered, "
                                                 "Success, Failed or Rejected.")
    delivery_reason = models.CharField(max_length=100, blank=True, default="", db_default="",
                                       help_text="Why the network did not deliver it (the provider's failureReason).")
    delivery_reported_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "notifications"
        ordering = ["-sent_at"]
        indexes = [
            models.Index(fields=["sent_at", "status"], name="notifications_sent_status_idx"),
            # The notification reports count rows by when they were written, per status and channel: with
            # the channel in the index they are index-only scans of the period (docs/reports.md, "Indexes").
            models.Index(fields=["created_at", "status", "channel"], name="notifications_report_idx"),
            # The staff list's order (Meta.ordering plus the admin's -pk tiebreak). sent_at DESC puts the
            # unsent (NULL: failed and pending, 120 000 rows at scale 10) first; without the id in the
            # index every list load sorted all of them to show 100.
            models.Index(fields=["-sent_at", "-id"], name="notifications_list_order_idx"),
            # Failed messages: the staff home's count and the list it links to (status failed, same order).
            models.Index(fields=["-sent_at", "-id"], name="notifications_failed_idx",
                         condition=models.Q(status="failed")),
            # Uncertain deliveries: the staff home's separate count and the admin filter that lists them.
            models.Index(fields=["-sent_at", "-id"], name="notifications_uncertain_idx",
                         condition=models.Q(delivery_uncertain=True)),
            # The portal inbox (a client's in-app messages, newest first, a page at a time) and its unread
            # badge on every portal page: a fleet client has tens of thousands of messages, 5 % in-app.
            models.Index(
                F("client"), F("sent_at").desc(nulls_last=True), F("created_at").desc(), F("id").desc(),
                name="notifications_inbox_idx", condition=models.Q(channel="in_app"),
            ),
            # A delivery report finds its message by the provider's id.
            models.Index(fields=["provider_message_id"], name="notifications_provider_id_idx",
                         condition=~models.Q(provider_message_id="")),
            # The staff list filtered on "not delivered" (the provider refused it or the network did not
            # deliver it), in the list's order: the same WHERE as the filter, so the planner uses it.
            models.Index(fields=["-sent_at", "-id"], name="notifications_undelivered_idx",
                         condition=models.Q(status="failed") | models.Q(delivery_state="failed")),
            # The notifications report's SMS delivery figures, and the network's reasons for the texts it
            # did not deliver (a few rows): index-only scans of the period (docs/reports.md, "Indexes").
            models.Index(fields=["created_at", "status", "delivery_state"],
                         name="notifications_delivery_idx", condition=models.Q(channel="SMS")),
            models.Index(fields=["created_at", "delivery_reason"], name="notifications_dlr_reason_idx",
                         condition=models.Q(channel="SMS", status="sent", delivery_state="failed")),
            # A client's latest messages on the client page (the message history beside its consent).
            models.Index(F("client"), F("created_at").desc(), name="notifications_client_idx"),
            # The sweeper's query: pending rows, oldest first.
            models.Index(
                fields=["created_at"], name="notifications_pending_idx",
                condition=models.Q(status="pending"),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=NotificationStatus.values), name="notifications_status_check"
            ),
            models.CheckConstraint(
                condition=models.Q(delivery_state__in=["", *DeliveryState.values]),
                name="notifications_delivery_state_check",
            ),
            models.CheckConstraint(
                condition=models.Q(category__in=MessageCategory.values),
                name="notifications_category_check",
            ),
        ]
        # Named: the row triggers of a partitioned table run on its partitions.
        triggers = [audit_trigger(table="notifications")]

    def __str__(self):
        return f"{self.get_channel_display()} to {self.client or self.user or 'nobody'} ({self.status})"


class ReportOutcome(models.TextChoices):
    UNPROCESSED = "", "Not processed yet"
    APPLIED = "applied", "Applied"
    UNCHANGED = "unchanged", "Nothing to change"
    UNKNOWN_ID = "unknown_id", "Unknown message id"
    INVALID = "invalid", "Refused: invalid fields"
    PHONE_MISMATCH = "phone_mismatch", "Refused: not the message's phone number"


class DeliveryReport(UUIDModel):
    """A delivery report as the provider posted it, written before it is processed, so a report whose
    processing fails, or that names a message we do not know (yet), is kept rather than lost.

    The phone number is not kept in clear (phones are personal data, encrypted where we keep them to
    use them): only its keyed hash, the hash clients.phone_hash holds, and a masked form for people.
    Everything else the provider sent is in `fields`, as received.
    """

    received_at = models.DateTimeField(db_default=CurrentTimestamp(), editable=False)
    provider_message_id = models.CharField("message id", max_length=100, blank=True, default="")
    status = models.CharField(max_length=20, blank=True, default="")
    failure_reason = models.CharField(max_length=100, blank=True, default="")
    phone_hash = models.CharField(max_length=64, blank=True, default="", editable=False)
    phone_masked = models.CharField("phone", max_length=20, blank=True, default="")
    fields = models.JSONField(default=dict, help_text="Every field received, the phone number masked.")
    processed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=20, choices=ReportOutcome.choices, blank=True, default="")
    detail = models.CharField(max_length=200, blank=True, default="")
    # No foreign key: notifications is partitioned, its key is (id, created_at).
    notification_id = models.UUIDField(null=True, blank=True)

    class Meta:
        db_table = "notification_delivery_reports"
        ordering = ["-received_at"]
        indexes = [
            models.Index(fields=["provider_message_id"], name="delivery_reports_message_idx"),
            models.Index(fields=["-received_at"], name="delivery_reports_received_idx"),
            # Left unprocessed (processing failed): the sweeper's query.
            models.Index(fields=["received_at"], name="delivery_reports_unprocessed",
                         condition=models.Q(processed_at__isnull=True)),
        ]

    def __str__(self):
        return f"{self.status or '?'} for {self.provider_message_id or '?'}"


class ConsentMethod(models.TextChoices):
    REPLY = "reply", "SMS reply"
    STAFF = "staff", "Recorded by staff (in person)"


class PhoneConsent(UUIDModel):
    """Whether a phone number takes reminder and marketing texts: one row per number that ever said.

    Per number, not per client: a family shares a phone, and a STOP from it stops the texts to every
    client on that number. Kept by the number's keyed hash (the hash clients.phone_hash holds), so a
    client's row matches without the number in clear here; the masked form is for people.
    """

    phone_hash = models.CharField(max_length=64, unique=True, editable=False)
    phone_masked = models.CharField("phone", max_length=20, blank=True, default="")
    opted_out = models.BooleanField("opted out", default=False)
    changed_at = models.DateTimeField()
    method = models.CharField("how", max_length=10, choices=ConsentMethod.choices)
    keyword = models.CharField(max_length=20, blank=True, default="", help_text="The word the owner replied.")
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", help_text="The staff member, for a change recorded in person.")

    class Meta:
        db_table = "notification_phone_consents"
        verbose_name = "messaging consent"
        triggers = [audit_trigger(omitted=("phone_hash",))]

    def __str__(self):
        return f"{self.phone_masked}: {'opted out' if self.opted_out else 'subscribed'}"


class InboundOutcome(models.TextChoices):
    UNPROCESSED = "", "Not processed yet"
    OPTED_OUT = "opted_out", "Opted out"
    OPTED_IN = "opted_in", "Subscribed again"
    UNCHANGED = "unchanged", "Already in that state (confirmed again)"
    NO_KEYWORD = "no_keyword", "No keyword: nothing to do"
    INVALID = "invalid", "Refused: invalid fields"


class InboundMessage(UUIDModel):
    """A text an owner sent to the shop's number, as the provider posted it, stored before processing.

    Only what opting out needs is kept: the keyword it starts with (STOP, ONDOKA, …), never the
    rest of the text (an owner may write anything in it), and the number as a keyed hash and masked.
    The provider's id is unique: the provider retries a callback it got no answer to, and the same
    message must not opt out (or confirm) twice.
    """

    received_at = models.DateTimeField(db_default=CurrentTimestamp(), editable=False)
    provider_message_id = models.CharField("message id", max_length=100, blank=True, default="")
    phone_hash = models.CharField(max_length=64, blank=True, default="", editable=False)
    phone_masked = models.CharField("from", max_length=20, blank=True, default="")
    to = models.CharField("to (our number)", max_length=20, blank=True, default="")
    link_id = models.CharField(max_length=100, blank=True, default="")
    provider_date = models.CharField("sent at (provider)", max_length=40, blank=True, default="")
    keyword = models.CharField(max_length=20, blank=True, default="", help_text="The keyword it starts with, if any.")
    processed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=20, choices=InboundOutcome.choices, blank=True, default="")
    detail = models.CharField(max_length=200, blank=True, default="")
    # No foreign key: notifications is partitioned, its key is (id, created_at).
    confirmation_id = models.UUIDField(null=True, blank=True, help_text="The confirmation SMS sent back.")

    class Meta:
        db_table = "notification_inbound_messages"
        ordering = ["-received_at"]
        constraints = [
            models.UniqueConstraint(fields=["provider_message_id"], name="inbound_messages_provider_id_unique",
                                    condition=~models.Q(provider_message_id="")),
        ]
        indexes = [
            models.Index(fields=["received_at"], name="inbound_messages_unprocessed",
                         condition=models.Q(processed_at__isnull=True)),
        ]

    def __str__(self):
        return f"{self.keyword or 'text'} from {self.phone_masked or '?'}"


class ConsentChange(UUIDModel):
    """The history of a number's consent, one row per change: who, when, how. Append-only in use;
    the audit trigger records each row as well."""

    phone_hash = models.CharField(max_length=64, editable=False, db_index=True)
    phone_masked = models.CharField("phone", max_length=20, blank=True, default="")
    opted_out = models.BooleanField("opted out")
    at = models.DateTimeField(db_default=CurrentTimestamp(), editable=False)
    method = models.CharField("how", max_length=10, choices=ConsentMethod.choices)
    keyword = models.CharField(max_length=20, blank=True, default="")
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    inbound = models.ForeignKey(InboundMessage, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    note = models.CharField(max_length=200, blank=True, default="")

    class Meta:
        db_table = "notification_consent_changes"
        ordering = ["-at"]
        triggers = [audit_trigger(omitted=("phone_hash",))]

    def __str__(self):
        return f"{self.phone_masked}: {'opted out' if self.opted_out else 'subscribed'} ({self.get_method_display()})"

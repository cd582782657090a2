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

from django.db import models

from concierge.audit.triggers import audit_trigger
from concierge.db.fields import PgEnumField
from concierge.db.functions import CurrentTimestamp
from concierge.db.models import UUIDModel


class NotificationType(models.TextChoices):
    """The seed's `notification_type` ENUM: how the message travels."""

    SMS = "SMS", "SMS"
    EMAIL = "email", "Email"
    IN_APP = "in_app", "In-app"


class NotificationStatus(models.TextChoices):
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    PENDING = "pending", "Pending"


class Notification(UUIDModel):
    """A message to a client: the seed's `notifications` table."""

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

    class Meta:
        db_table = "notifications"
        ordering = ["-sent_at"]
        indexes = [models.Index(fields=["sent_at", "status"], name="notifications_sent_status_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=NotificationStatus.values), name="notifications_status_check"
            ),
        ]
        triggers = [audit_trigger()]

    def __str__(self):
        return f"{self.get_channel_display()} to {self.client or 'nobody'} ({self.status})"

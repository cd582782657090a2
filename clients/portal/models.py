"""The portal's own tables: sign-in / status-link tokens and inbox read marks. App label `portal`; the
tables were the clients app's until migration portal.0001_initial moved them, names unchanged."""

from django.db import models

from concierge.db.functions import CurrentTimestamp
from concierge.db.models import UUIDModel


class TokenPurpose(models.TextChoices):
    SIGN_IN = "sign_in", "Sign-in link"
    STATUS_LINK = "status_link", "Service status link"


class PortalToken(UUIDModel):
    """A link handed to a client. Only the SHA-256 of the secret is kept: a database leak gives no link.

    Sign-in links expire 10 minutes after issue and work once. Status links open one service,
    read-only, until 30 days after that service is completed or cancelled (computed when opened,
    since the job may still be open when the link is sent); revoking one is setting revoked_at.
    """

    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    client = models.ForeignKey("clients.Client", on_delete=models.CASCADE, related_name="portal_tokens")
    purpose = models.CharField(max_length=20, choices=TokenPurpose.choices)
    service = models.ForeignKey(
        "servicing.Service", on_delete=models.CASCADE, null=True, blank=True, related_name="portal_tokens"
    )
    created_at = models.DateTimeField(db_default=CurrentTimestamp(), editable=False)
    expires_at = models.DateTimeField(null=True, blank=True)
    used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    # A sign-in link sent by SMS: the keyed hash of the phone it went to (the same hash as
    # clients.phone_hash). Whoever opens it has that phone, so every client who has that phone when
    # the link is used may be chosen on the sign-in page: a family sharing one phone each reach their
    # own cars. Empty for links sent by email (emails are unique) and for status links.
    sent_to_phone_hash = models.CharField(max_length=64, blank=True, default="", editable=False)

    class Meta:
        db_table = "portal_tokens"
        ordering = ["-created_at"]
        verbose_name = "portal link"
        constraints = [
            # A status link without its service, or a sign-in link without an expiry, is a bug.
            models.CheckConstraint(
                condition=(
                    models.Q(purpose="sign_in", expires_at__isnull=False, service__isnull=True)
                    | models.Q(purpose="status_link", service__isnull=False)
                ),
                name="portal_tokens_purpose_shape",
            ),
        ]

    def __str__(self):
        return f"{self.get_purpose_display()} for {self.client}"


class PortalInboxRead(models.Model):
    """When the client first saw an in-app notification in the portal inbox.

    Kept beside the notifications table (owned by the notifications app) so that the portal's one
    write never alters a message row.

    notifications is partitioned by month on created_at, and a foreign key into a partitioned table
    must name its partition key: the database's key is (notification_id, notification_created_at)
    → notifications (id, created_at), ON DELETE CASCADE, added by migration
    clients.0008_inbox_read_composite_fk, from when the table was the clients app's (Django cannot declare a two-column foreign key, hence
    db_constraint=False on the field Django joins by).
    """

    notification = models.OneToOneField(
        "notifications.Notification", on_delete=models.CASCADE, primary_key=True, related_name="portal_read",
        db_constraint=False,
    )
    notification_created_at = models.DateTimeField(editable=False)
    read_at = models.DateTimeField(db_default=CurrentTimestamp())

    class Meta:
        db_table = "portal_inbox_reads"
        verbose_name = "inbox read mark"

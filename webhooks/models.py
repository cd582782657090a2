"""Webhook endpoints the shop's managers register, and the deliveries to them (an outbox).

A delivery's life (docs/webhooks.md, "Retries"): written `pending` in the event's transaction, or `held`
when its endpoint is paused; claimed by one task (`sending`, claimed_at) in a committed UPDATE before
anything is sent; then `delivered` (2xx), `pending` again with next_attempt_at (network error, timeout,
408/429/5xx: retried with backoff), `failed` (another 4xx, or out of attempts), or `uncertain` (the
worker was lost while sending: never resent automatically, a manager may redeliver).
"""

from django.conf import settings
from django.db import models

from concierge.audit.triggers import audit_trigger
from concierge.crypto.fields import EncryptedCharField
from concierge.db.functions import CurrentTimestamp
from concierge.db.models import UUIDModel


class EndpointState(models.TextChoices):
    ACTIVE = "active", "Active"
    PAUSED = "paused", "Paused"


class Endpoint(UUIDModel):
    """A URL that gets the events it subscribed to, signed with its own secret."""

    name = models.CharField(max_length=100, help_text="What it is for: “Accounting (Xero connector)”.")
    url = models.URLField("URL", max_length=500)
    # Names of workflow events (the registry's, concierge/workflows/registry.py).
    events = models.JSONField(default=list)
    # Made by us (webhooks.signing.secret_new), encrypted at rest like personal data; only managers see it.
    secret = EncryptedCharField(max_length=200, editable=False)
    state = models.CharField(max_length=10, choices=EndpointState.choices, default=EndpointState.ACTIVE,
                             db_default=EndpointState.ACTIVE)
    paused_at = models.DateTimeField(null=True, blank=True)
    paused_reason = models.CharField(max_length=300, blank=True, default="", db_default="")
    # The first failed attempt since the last success: when it is WEBHOOK_PAUSE_AFTER_SECONDS old and
    # still nothing succeeded, the endpoint is paused.
    failing_since = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(db_default=CurrentTimestamp(), editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", editable=False)

    class Meta:
        db_table = "webhook_endpoints"
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=models.Q(state__in=EndpointState.values), name="webhook_endpoints_state_check"),
        ]
        permissions = [("view_endpoint_secret", "Can see a webhook endpoint's signing secret")]
        # Audited like every table; the secret's token is left out of the audit rows altogether.
        triggers = [audit_trigger(omitted=("secret",))]

    def __str__(self) -> str:
        return self.name


class DeliveryState(models.TextChoices):
    PENDING = "pending", "Pending"
    HELD = "held", "Held (endpoint paused)"
    SENDING = "sending", "Sending"
    DELIVERED = "delivered", "Delivered"
    FAILED = "failed", "Failed"
    UNCERTAIN = "uncertain", "Uncertain (worker lost while sending)"


class Delivery(UUIDModel):
    """One event to one endpoint. `body` is the JSON sent, as bytes-to-be, fixed when the row is made: each
    attempt signs the same body (with a fresh timestamp), and a redelivery copies it."""

    endpoint = models.ForeignKey(Endpoint, on_delete=models.CASCADE, related_name="deliveries")
    # The event it carries: its id is the body's "id" and the X-Concierge-Event-Id header. No foreign
    # key: an event erased with its client leaves the log row (whose body holds only ids and statuses).
    event_id = models.UUIDField()
    event_type = models.CharField(max_length=100)
    body = models.TextField()
    state = models.CharField(max_length=10, choices=DeliveryState.choices, default=DeliveryState.PENDING,
                             db_default=DeliveryState.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0, db_default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    requeued_at = models.DateTimeField(null=True, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    response_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True, default="", db_default="")
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(db_default=CurrentTimestamp(), editable=False)
    redelivery_of = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", help_text="Who asked for a redelivery.")

    class Meta:
        db_table = "webhook_deliveries"
        ordering = ["-created_at"]
        verbose_name_plural = "deliveries"
        permissions = [("redeliver_delivery", "Can send a webhook event to its endpoint again")]
        indexes = [
            models.Index(fields=["endpoint", "-created_at"], name="webhook_deliv_endpoint_idx"),
            models.Index(fields=["event_id"], name="webhook_deliv_event_idx"),
            models.Index(fields=["created_at"], name="webhook_deliv_finished_idx",  # the nightly purge
                         condition=models.Q(state__in=["delivered", "failed"])),
            # The sweeper's queries: waiting rows, and claims that may belong to a dead worker.
            models.Index(fields=["created_at"], name="webhook_deliv_pending_idx",
                         condition=models.Q(state="pending")),
            models.Index(fields=["claimed_at"], name="webhook_deliv_sending_idx",
                         condition=models.Q(state="sending")),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(state__in=DeliveryState.values), name="webhook_deliveries_state_check"),
        ]
        # Each state change is audited; the body (fixed at insert, ids and statuses) is not copied each time.
        triggers = [audit_trigger(omitted=("body",))]

    def __str__(self) -> str:
        return f"{self.event_type} to {self.endpoint_id} ({self.state})"

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone

from concierge.audit.triggers import audit_trigger
from concierge.db.functions import CurrentTimestamp
from concierge.db.models import UUIDModel

from .scopes import SCOPE_CHOICES


class ApiKey(UUIDModel):
    """A key a manager made for one outside system (docs/api.md, "Keys and scopes").

    The secret is never stored: only the SHA-256 of the whole key (32 random bytes, so a hash without a
    salt or a slow function is enough: nothing to guess). `prefix` is the key's first, public part: it
    finds the row and tells keys apart on the admin's list. Each key acts as its own inactive staff user
    (`acting_user`), so the audit trail of everything it writes names the key, not a person.
    """

    name = models.CharField(max_length=100, help_text="Which system uses it, e.g. \u201cAccounting sync\u201d.")
    prefix = models.CharField(max_length=16, unique=True, editable=False)
    secret_hash = models.CharField(max_length=64, editable=False)
    scopes = ArrayField(models.CharField(max_length=32, choices=SCOPE_CHOICES), default=list, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True, help_text="Empty: the key does not expire.")
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", editable=False,
    )
    acting_user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="api_key", editable=False,
    )
    created_at = models.DateTimeField(db_default=CurrentTimestamp(), editable=False)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        db_table = "api_keys"
        ordering = ["-created_at"]
        verbose_name = "API key"
        # Made and revoked by managers: audited like every staff change (the hash and the use time left out).
        triggers = [audit_trigger(omitted=("secret_hash", "last_used_at"))]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}\u2026)"

    def is_usable(self, now=None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)


class ApiRequest(models.Model):
    """One request made with a key: who, what, the answer. No query string, no body, no personal data
    (paths hold only ids; filters such as a plate travel in the query string, which is not kept)."""

    key = models.ForeignKey(ApiKey, on_delete=models.PROTECT, related_name="requests")
    method = models.CharField(max_length=7)
    path = models.CharField(max_length=300)
    status = models.PositiveSmallIntegerField()
    at = models.DateTimeField(db_default=CurrentTimestamp(), editable=False)
    duration_ms = models.PositiveIntegerField(default=0)

    class Meta:
        db_table = "api_requests"
        ordering = ["-at"]
        verbose_name = "API request"
        indexes = [
            models.Index(fields=["key", "-at"], name="api_requests_key_at_idx"),
            models.Index(fields=["at"], name="api_requests_at_idx"),  # the nightly purge
        ]

    def __str__(self) -> str:
        return f"{self.method} {self.path} {self.status}"


class IdempotentCreate(models.Model):
    """A create made with an Idempotency-Key header: the same key and header again returns the row made
    the first time instead of a second one (a client retrying after a lost answer)."""

    key = models.ForeignKey(ApiKey, on_delete=models.CASCADE, related_name="+")
    idempotency_key = models.CharField(max_length=100)
    resource = models.CharField(max_length=20)
    # SHA-256 of the request body: the same header with another body is refused, not answered with the
    # first row.
    body_hash = models.CharField(max_length=64)
    object_id = models.UUIDField()
    created_at = models.DateTimeField(db_default=CurrentTimestamp(), editable=False)

    class Meta:
        db_table = "api_idempotent_creates"
        constraints = [
            models.UniqueConstraint(fields=["key", "idempotency_key"], name="api_idempotent_creates_key_uniq"),
        ]
        indexes = [models.Index(fields=["created_at"], name="api_idempotent_created_idx")]  # the nightly purge

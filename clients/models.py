from django.db import models

from concierge.db.models import TimestampedModel, set_updated_at_trigger


class Client(TimestampedModel):
    """A car owner: the seed's `clients` table."""

    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    email = models.EmailField(max_length=255, unique=True)
    phone = models.CharField(max_length=20, null=True, blank=True)
    address = models.TextField(null=True, blank=True)
    consent_gdpr = models.BooleanField(
        "consent (GDPR / DPA 2019)", default=False, db_default=False,
        help_text="The client agreed to messages beyond those the service itself needs.",
    )

    class Meta:
        db_table = "clients"
        ordering = ["last_name", "first_name"]
        indexes = [models.Index(fields=["created_at"], name="clients_created_at_idx")]
        triggers = [set_updated_at_trigger()]

    def __str__(self):
        return self.full_name

    @property
    def full_name(self):
        return f"{self.first_name} {self.last_name}"


# The client portal's tables live in clients/portal/models.py; importing them here registers them.
from clients.portal.models import PortalInboxRead, PortalToken  # noqa: E402,F401

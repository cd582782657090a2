from django.contrib.postgres.indexes import GinIndex, OpClass
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Upper

from concierge.audit.triggers import audit_trigger
from concierge.crypto.fields import EncryptedCharField, EncryptedEmailField, KeyedHashField
from concierge.crypto.normalise import normalise_email, normalise_phone
from concierge.db.models import TimestampedModel, set_updated_at_trigger

# Contact columns hold Fernet tokens, not addresses (see docs/audit-and-privacy.md). The seed's
# VARCHAR(255) for email holds the token of up to 127 bytes typed; a token never fits the seed's
# VARCHAR(20) for phone, so that column is widened to VARCHAR(255) and the typed number keeps the
# seed's 20-character cap.
EMAIL_MAX_BYTES = 127
PHONE_MAX_BYTES = 20


class Language(models.TextChoices):
    """What a client reads their messages in (the portal's languages, settings.LANGUAGES)."""

    ENGLISH = "en", "English"
    SWAHILI = "sw", "Kiswahili"


class ClientQuerySet(models.QuerySet):
    """Exact lookups by contact go through the keyed hashes: the encrypted columns cannot be compared."""

    def by_email(self, email):
        return self.filter(email_hash=Client._meta.get_field("email_hash").hash_of(email))

    def by_phone(self, phone):
        return self.filter(phone_hash=Client._meta.get_field("phone_hash").hash_of(phone))


class Client(TimestampedModel):
    """A car owner: the seed's `clients` table."""

    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    email = EncryptedEmailField(max_length=255, unique=True, plaintext_max_bytes=EMAIL_MAX_BYTES)
    phone = EncryptedCharField(max_length=255, null=True, blank=True, plaintext_max_bytes=PHONE_MAX_BYTES)
    address = models.TextField(null=True, blank=True)
    consent_gdpr = models.BooleanField(
        "consent (GDPR / DPA 2019)", default=False, db_default=False,
        help_text="The client agreed to messages beyond those the service itself needs.",
    )
    # Beyond the seed (docs/schema.md): workflow messages go out in this language.
    preferred_language = models.CharField(
        "preferred language", max_length=2, choices=Language.choices, default=Language.ENGLISH,
        db_default=Language.ENGLISH,
        help_text="Messages are sent in this language; the client's own choice in the portal sets it too.",
    )
    # The UNIQUE on email above only constrains ciphertexts (always distinct); this one keeps one
    # client per address. Phones may be shared (a family, a company fleet), so only indexed.
    email_hash = KeyedHashField(unique=True, source="email", normaliser=normalise_email)
    phone_hash = KeyedHashField(null=True, db_index=True, source="phone", normaliser=normalise_phone)

    objects = ClientQuerySet.as_manager()

    class Meta:
        db_table = "clients"
        ordering = ["last_name", "first_name"]
        indexes = [
            models.Index(fields=["created_at"], name="clients_created_at_idx"),
            # The clients list's default order (Meta.ordering plus the admin's -pk tiebreak): the first
            # page is read off this index instead of sorting every client.
            models.Index(fields=["last_name", "first_name", "-id"], name="clients_list_order_idx"),
            # The staff search by name (`icontains`, which Django writes as UPPER(col) LIKE UPPER('%term%')):
            # trigram indexes on the same expression serve it without reading every client (issue #8).
            GinIndex(OpClass(Upper("first_name"), name="gin_trgm_ops"), name="clients_first_name_trgm"),
            GinIndex(OpClass(Upper("last_name"), name="gin_trgm_ops"), name="clients_last_name_trgm"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(preferred_language__in=Language.values),
                                   name="clients_preferred_language_known"),
        ]
        triggers = [
            set_updated_at_trigger(),
            audit_trigger(encrypted={"email": "email_hash", "phone": "phone_hash"}, omitted=("email_hash", "phone_hash")),
        ]

    def __str__(self):
        return self.full_name

    @property
    def full_name(self):
        return f"{self.first_name} {self.last_name}"

    def save(self, *args, update_fields=None, **kwargs):
        # A hash must move with its contact, even on a save limited to some fields.
        if update_fields is not None:
            update_fields = set(update_fields)
            update_fields |= {f"{name}_hash" for name in ("email", "phone") if name in update_fields}
        super().save(*args, update_fields=update_fields, **kwargs)

    def validate_unique(self, exclude=None):
        # Django's own check compares ciphertexts and so never finds the duplicate: compare hashes.
        super().validate_unique(exclude=exclude)
        if self.email and (exclude is None or "email" not in exclude):
            if Client.objects.by_email(self.email).exclude(pk=self.pk).exists():
                raise ValidationError({"email": "A client with this email address already exists."})


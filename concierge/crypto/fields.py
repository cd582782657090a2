"""Model fields storing personal data encrypted, and the keyed hash that keeps it searchable.

The encryption happens in Python before the value reaches the database, so dumps, replicas and the
database's own logs hold only Fernet tokens. A token is longer than its plaintext: the column's
max_length is for the token, `plaintext_max_bytes` caps what a person may type (see docs/audit-and-privacy.md).
"""

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils.deconstruct import deconstructible

from . import keys


class UndecryptableValue(Exception):
    pass


@deconstructible
class MaxBytesValidator:
    """Fernet pads to 16-byte blocks of UTF-8: the limit is in bytes, shown to people as characters."""

    def __init__(self, limit):
        self.limit = limit

    def __call__(self, value):
        if value is not None and len(str(value).encode()) > self.limit:
            raise ValidationError(
                "Ensure this value has at most %(limit)d characters (it has %(show_value)d).",
                code="max_length", params={"limit": self.limit, "show_value": len(str(value).encode())},
            )

    def __eq__(self, other):
        return isinstance(other, MaxBytesValidator) and other.limit == self.limit


def token_length(plaintext_bytes):
    """Characters of the Fernet token for a plaintext of that many bytes (version, time, IV, blocks, MAC)."""
    raw = 1 + 8 + 16 + 16 * (plaintext_bytes // 16 + 1) + 32
    return 4 * -(-raw // 3)


def max_plaintext_bytes(max_length):
    """The longest plaintext (in bytes) whose token fits in a column of max_length characters."""
    n = max_length
    while n >= 0 and token_length(n) > max_length:
        n -= 1
    return n


if TYPE_CHECKING:
    # What the mixin is mixed into (EncryptedCharField, EncryptedEmailField): a CharField's
    # max_length, validators, model and column, and its methods for super().
    _EncryptedBase = models.CharField
else:
    _EncryptedBase = object


class EncryptedMixin(_EncryptedBase):
    # plaintext_max_bytes stays out of migrations (it is no part of the schema): deconstruct() is
    # inherited, so historical models fall back to the most the column can hold.
    def __init__(self, *args, plaintext_max_bytes=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.plaintext_max_bytes = plaintext_max_bytes or max_plaintext_bytes(self.max_length)
        if token_length(self.plaintext_max_bytes) > self.max_length:
            raise ValueError(f"{self.plaintext_max_bytes} bytes encrypt to more than max_length={self.max_length}")
        # The column holds the token; what a person types is limited by plaintext_max_bytes.
        self.validators[:] = [v for v in self.validators if not isinstance(v, MaxLengthValidator)]
        self.validators.append(MaxBytesValidator(self.plaintext_max_bytes))

    def from_db_value(self, value, expression, connection):
        if value is None:
            return None
        try:
            return keys.decrypt(value)
        except keys.InvalidToken:
            raise UndecryptableValue(
                f"No key in FIELD_ENCRYPTION_KEYS decrypts a value of {self.model._meta.db_table}.{self.column}: "
                "was an old key removed before `manage.py rotate_field_keys` had run?"
            ) from None

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None:
            return None
        # Every call yields a new token: an exact-match filter on this field never matches. Look
        # rows up through the keyed hash instead (Client.objects.by_email / by_phone).
        return keys.encrypt(value)

    def formfield(self, **kwargs):
        return super().formfield(**{"max_length": self.plaintext_max_bytes, **kwargs})


class EncryptedCharField(EncryptedMixin, models.CharField):
    pass


class EncryptedEmailField(EncryptedMixin, models.EmailField):
    pass


class KeyedHashField(models.CharField):
    """HMAC of the normalised value of another field of the same row, set on every save and bulk_create.

    queryset.update() and bulk_update() of the source field do not pass through here: write
    contacts with save() (or recompute the hash in the same update).
    """

    def __init__(self, *args, source=None, normaliser=None, **kwargs):
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)
        self.source, self.normaliser = source, normaliser

    def hash_of(self, raw):
        if raw in (None, ""):
            return None
        return keys.keyed_hash(self.normaliser(raw))

    def pre_save(self, model_instance, add):
        value = self.hash_of(getattr(model_instance, self.source))
        setattr(model_instance, self.attname, value)
        return value

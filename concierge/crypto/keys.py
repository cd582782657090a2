"""Encryption and keyed hashing with keys from the environment, never from SECRET_KEY.

FIELD_ENCRYPTION_KEYS: Fernet keys, newest first. The first encrypts; all of them decrypt, so a new
key can be put in front and old rows re-encrypted later (`manage.py rotate_field_keys`).
FIELD_HASH_KEY: the HMAC key of the lookup hashes. Changing it would orphan every hash, so it is
not rotated with the encryption keys.
"""

import functools
import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

__all__ = ["InvalidToken", "decrypt", "encrypt", "keyed_hash", "multifernet", "rotate"]


@functools.lru_cache(maxsize=4)
def _multifernet(keys):
    if not keys:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS is empty: set one or more Fernet keys, newest first")
    try:
        return MultiFernet([Fernet(key) for key in keys])
    except ValueError:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEYS holds a malformed key: each must be 32 url-safe base64-encoded bytes "
            "(python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')"
        ) from None


def multifernet():
    # Cached by the key tuple, so a test (or a rotation) that changes the setting gets fresh keys.
    return _multifernet(tuple(settings.FIELD_ENCRYPTION_KEYS))


def encrypt(plaintext: str) -> str:
    return multifernet().encrypt(plaintext.encode()).decode("ascii")


def decrypt(token: str) -> str:
    """Raises InvalidToken when no configured key opens it (a lost key, or a value never encrypted)."""
    return multifernet().decrypt(token.encode("ascii")).decode()


def rotate(token: str) -> str:
    """The same plaintext, re-encrypted under the newest key."""
    return multifernet().rotate(token.encode("ascii")).decode("ascii")


def _hash_key():
    key = settings.FIELD_HASH_KEY
    if len(key) < 32:
        raise ImproperlyConfigured("FIELD_HASH_KEY must be set to a random string of at least 32 characters")
    return key.encode()


def keyed_hash(normalised: str) -> str:
    """HMAC-SHA256 of an already-normalised value, hex: equal inputs give equal hashes, for lookups.

    Keyed, so someone holding only a database dump cannot confirm a guessed address or number.
    """
    return hmac.new(_hash_key(), normalised.encode(), hashlib.sha256).hexdigest()

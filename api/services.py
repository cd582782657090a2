"""Writes about API keys: made and revoked by managers in the admin, found from a request's bearer token."""

import datetime
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from concierge.accounts.models import User
from concierge.rawbody import storable

from .models import ApiKey, ApiRequest, IdempotentCreate
from .scopes import ALL_SCOPES

# nak_<prefix>_<secret>: the prefix (8 hex characters) is public and finds the row; the secret is
# 32 random bytes. The leading "nak_" lets secret scanners (and people) recognise a leaked key.
KEY_MARK = "nak"
# The prefix in hex, the secret in token_urlsafe's alphabet (which holds "_").
KEY_SHAPE = re.compile(rf"{KEY_MARK}_(?P<prefix>[0-9a-f]{{8}})_[A-Za-z0-9_-]{{32,64}}")
# A key used within this long is not written to again: one UPDATE per key per minute, not per request.
LAST_USED_STEP = datetime.timedelta(minutes=1)


@dataclass(frozen=True)
class NewKey:
    key: ApiKey
    token: str  # the whole key: shown once, never stored


def secret_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def api_key_create(
    *, name: str, scopes: list[str], by: User | None, expires_at: datetime.datetime | None = None,
) -> NewKey:
    """Make a key and the inactive staff user it acts as (the audit trail names it). The token in the
    result is the only copy of the secret."""
    unknown = sorted(set(scopes) - set(ALL_SCOPES))
    if unknown:
        raise ValueError(f"unknown scopes: {', '.join(unknown)}")
    prefix = secrets.token_hex(4)
    while ApiKey.objects.filter(prefix=prefix).exists():
        prefix = secrets.token_hex(4)
    token = f"{KEY_MARK}_{prefix}_{secrets.token_urlsafe(32)}"
    user_model = get_user_model()
    # No password and not active: this user can never sign in; it only names the key in the audit trail.
    acting_user = user_model.objects.create_user(
        email=f"api-key-{prefix}@api.invalid", password=None, first_name="API key", last_name=name[:90],
        is_active=False, is_staff=False,
    )
    key = ApiKey.objects.create(
        name=name, prefix=prefix, secret_hash=secret_hash(token), scopes=sorted(set(scopes)),
        expires_at=expires_at, created_by=by, acting_user=acting_user,
    )
    key.refresh_from_db(fields=["created_at"])
    return NewKey(key=key, token=token)


def api_key_revoke(*, key: ApiKey, by: User | None) -> bool:
    """Revoke a key for good (its next request answers 401). Returns whether it was still live."""
    changed = ApiKey.objects.filter(pk=key.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_by=by,
    )
    key.refresh_from_db(fields=["revoked_at", "revoked_by"])
    return bool(changed)


def api_key_for_token(token: str, *, now: datetime.datetime | None = None) -> ApiKey | None:
    """The live key this bearer token is, or None (malformed, unknown, wrong secret, expired, revoked).
    The secret is compared in constant time; the reason for a refusal is not told to the caller."""
    # Only the shape api_key_create makes is looked up: a NUL, a lone surrogate or any odd character
    # from the header would otherwise reach the query (PostgreSQL refuses NUL) or the hash's encoding.
    shape = KEY_SHAPE.fullmatch(token)
    if shape is None:
        return None
    key = ApiKey.objects.select_related("acting_user").filter(prefix=shape["prefix"]).first()
    if key is None or not hmac.compare_digest(key.secret_hash, secret_hash(token)):
        return None
    if not key.is_usable(now):
        return None
    return key


def api_key_mark_used(*, key: ApiKey, now: datetime.datetime | None = None) -> None:
    now = now or timezone.now()
    if key.last_used_at is None or now - key.last_used_at >= LAST_USED_STEP:
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
        key.last_used_at = now


def api_request_log(*, key: ApiKey, method: str, path: str, status: int, duration_ms: int) -> ApiRequest:
    """Keep one line per request made with a key: never the query string or the body. The path is the
    client's: a NUL in it (`%00`) is kept shown as `\\u0000`, which PostgreSQL can store."""
    return ApiRequest.objects.create(
        key=key, method=storable(method)[:7], path=storable(path)[:300], status=status,
        duration_ms=max(0, duration_ms),
    )


def api_records_purge(*, now: datetime.datetime | None = None, batch: int = 10_000) -> tuple[int, int]:
    """Request-log lines older than API_REQUEST_LOG_DAYS and Idempotency-Key records older than
    API_IDEMPOTENCY_DAYS, in batches (a short lock each, not one long delete). Returns both counts."""
    now = now or timezone.now()
    counts = []
    for model, days in ((ApiRequest, settings.API_REQUEST_LOG_DAYS), (IdempotentCreate, settings.API_IDEMPOTENCY_DAYS)):
        field = "at" if model is ApiRequest else "created_at"
        cutoff = now - datetime.timedelta(days=days)
        deleted = 0
        while True:
            ids = list(model.objects.filter(**{f"{field}__lt": cutoff}).values_list("pk", flat=True)[:batch])
            if not ids:
                break
            deleted += model.objects.filter(pk__in=ids).delete()[0]
        counts.append(deleted)
    return counts[0], counts[1]

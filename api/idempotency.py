"""Idempotency-Key on creates: a client that lost the answer to a POST sends it again with the same
header and gets the row made the first time, not a second one."""

import hashlib
from collections.abc import Callable
from typing import Any, TypeVar

from django.db import IntegrityError, models, transaction
from django.http import HttpRequest
from ninja.errors import HttpError

from .models import ApiKey, IdempotentCreate

M = TypeVar("M", bound=models.Model)
MAX_LENGTH = 100


def idempotent_create(
    request: HttpRequest, header: str | None, *, key: ApiKey, resource: str, create: Callable[[], M], model: type[M],
) -> tuple[M, bool]:
    """Run `create` (once per key and Idempotency-Key); returns (row, whether it was made now)."""
    if header is None:
        with transaction.atomic():
            return create(), True
    if not header or len(header) > MAX_LENGTH or not header.isprintable():
        raise HttpError(400, f"Idempotency-Key must be 1 to {MAX_LENGTH} printable characters.")
    body_hash = hashlib.sha256(request.body).hexdigest()

    def earlier() -> tuple[M, bool] | None:
        done = IdempotentCreate.objects.filter(key=key, idempotency_key=header).first()
        if done is None:
            return None
        if done.resource != resource or done.body_hash != body_hash:
            raise HttpError(409, "This Idempotency-Key was used for another request: use a new key for a new create.")
        row: Any = model._default_manager.filter(pk=done.object_id).first()
        if row is None:
            raise HttpError(409, "This Idempotency-Key made a row that no longer exists.")
        return row, False

    found = earlier()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            row = create()
            # The unique (key, header) makes a concurrent twin wait here for this transaction, then fail.
            IdempotentCreate.objects.create(
                key=key, idempotency_key=header, resource=resource, body_hash=body_hash, object_id=row.pk,
            )
            return row, True
    except IntegrityError:
        found = earlier()
        if found is None:
            raise
        return found

"""Cursor pagination in a stable order, (created_at, id): a row written while a client pages through
never moves another row from one page to the next. The cursor is opaque to clients (base64 of the last
row's sort key): they pass back what `next_cursor` said."""

import base64
import binascii
import datetime
import json
import uuid
from typing import Any

from django.db.models import Q, QuerySet
from ninja.errors import HttpError

DEFAULT_LIMIT = 50
MAX_LIMIT = 200


def encode_cursor(row: Any) -> str:
    raw = json.dumps([row.created_at.isoformat(), str(row.pk)]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime.datetime, str]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        created, pk = json.loads(raw)
        at = datetime.datetime.fromisoformat(created)
        if at.tzinfo is None:
            raise ValueError("naive")
        # In UTC here: a forged 0001-01-01T00:00+14:00 or 9999-12-31T23:59-14:00 is out of range.
        return at.astimezone(datetime.UTC), str(uuid.UUID(str(pk)))
    except (ValueError, TypeError, OverflowError, RecursionError, binascii.Error, UnicodeDecodeError):
        raise HttpError(400, "This cursor is not one the API gave: start again without it.") from None


def paginate(queryset: QuerySet[Any], *, cursor: str | None, limit: int) -> tuple[list[Any], str | None]:
    queryset = queryset.order_by("created_at", "id")
    if cursor:
        at, pk = decode_cursor(cursor)
        queryset = queryset.filter(Q(created_at__gt=at) | Q(created_at=at, id__gt=pk))
    rows = list(queryset[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, (encode_cursor(rows[-1]) if more and rows else None)

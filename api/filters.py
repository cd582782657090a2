"""Query-string filters shared by the lists: checked here so that a bad value is a 422 naming the
parameter, never a database error."""

import datetime
from typing import Any

from django.utils import timezone

from concierge.rawbody import NUL

from .writes import FormRefused


def text(value: str | None, name: str) -> str | None:
    if value is None:
        return None
    if NUL in value:
        raise FormRefused([(name, "Null characters are not allowed.")])
    return value


def moment(value: datetime.datetime | None, name: str) -> datetime.datetime | None:
    """A time filter, in UTC; one given without an offset is read as Nairobi time."""
    if value is None:
        return None
    try:
        if timezone.is_naive(value):
            value = timezone.make_aware(value)
        return value.astimezone(datetime.UTC)
    except (OverflowError, ValueError):
        raise FormRefused([(name, "Out of range.")]) from None


def since(queryset: Any, field: str, value: datetime.datetime | None, name: str) -> Any:
    at = moment(value, name)
    return queryset if at is None else queryset.filter(**{f"{field}__gte": at})

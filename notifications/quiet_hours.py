"""Quiet hours: reminder and marketing SMS are not sent at night, Nairobi time (QUIET_HOURS_START to
QUIET_HOURS_END, 21:00 to 07:00 by default). They are held, not dropped: the message waits, pending,
with next_attempt_at at the end of the quiet hours, and the sweeper queues it then."""

import datetime
from zoneinfo import ZoneInfo

from django.conf import settings

from .models import OPTIONAL_CATEGORIES, NotificationType


def _time_of(hhmm: str) -> datetime.time:
    hours, minutes = hhmm.split(":")
    return datetime.time(int(hours), int(minutes))


def quiet_hours_end(*, at: datetime.datetime) -> datetime.datetime | None:
    """When the quiet hours `at` falls in end, or None when `at` is outside them.

    The window is half-open: 21:00:00 is quiet, 07:00:00 is not. It may wrap past midnight (21:00 to
    07:00) or not (13:00 to 14:00); equal start and end mean no quiet hours at all.
    """
    start, end = _time_of(settings.QUIET_HOURS_START), _time_of(settings.QUIET_HOURS_END)
    if start == end:
        return None
    zone = ZoneInfo(settings.TIME_ZONE)
    local = at.astimezone(zone)
    now = local.time()
    if start < end:
        quiet, end_day = start <= now < end, local.date()
    elif now >= start:  # the evening part of a window across midnight: it ends tomorrow
        quiet, end_day = True, local.date() + datetime.timedelta(days=1)
    else:
        quiet, end_day = now < end, local.date()
    return datetime.datetime.combine(end_day, end, tzinfo=zone) if quiet else None


def held_until(*, channel: str, category: str, at: datetime.datetime) -> datetime.datetime | None:
    """When a message of this channel and category written (or about to be sent) at `at` may go:
    the end of the quiet hours for a reminder or marketing SMS sent in them, else None (now)."""
    if channel != NotificationType.SMS or category not in OPTIONAL_CATEGORIES:
        return None
    return quiet_hours_end(at=at)

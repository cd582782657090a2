"""Checks on what staff type about a job; the lifecycle itself lives in lifecycle.py."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format

# A booking's date lies between these: nothing the shop does is older than its records can be, and nobody
# books a service more than two years ahead. 1850 or 2100 is a mistyped year, which the job board would
# show as "Waiting 176 years". The database CHECK (servicing.models) allows one day more at the top, for
# its CURRENT_DATE in UTC against today in Nairobi.
EARLIEST_SCHEDULED_DATE = datetime.date(2000, 1, 1)
SCHEDULE_AHEAD_DAYS = 730


def validate_cost(cost):
    if cost is None:
        return
    if cost < 0:
        raise ValidationError("A cost cannot be negative.", code="cost_negative")
    if cost != cost.quantize(Decimal("0.01")):
        raise ValidationError("A cost has at most two decimals (cents).", code="cost_decimals")


def latest_scheduled_date(*, today=None) -> datetime.date:
    return (today or timezone.localdate()) + datetime.timedelta(days=SCHEDULE_AHEAD_DAYS)


def validate_scheduled_date(day, *, today=None):
    if day is None:
        return
    if day < EARLIEST_SCHEDULED_DATE:
        raise ValidationError(
            f"A job cannot be booked before {date_format(EARLIEST_SCHEDULED_DATE)}: check the year.",
            code="scheduled_too_early",
        )
    latest = latest_scheduled_date(today=today)
    if day > latest:
        raise ValidationError(
            f"A job can be booked at most two years ahead, up to {date_format(latest)}: check the year.",
            code="scheduled_too_late",
        )

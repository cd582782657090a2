"""Small helpers turning database aggregates into report figures. No row is looped over here:
they only divide totals the database has already computed."""

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q, QuerySet

from reports.periods import Period
from servicing.models import Service, ServiceStatus

# What a report figure may be: a count, a sum of money, a ratio; None for "nothing in the period".
Number = int | float | Decimal


def ratio(numerator: Number, denominator: Number | None) -> Decimal | None:
    """numerator / denominator, or None for an empty period (shown as "–", never a division by zero)."""
    if not denominator:
        return None
    return Decimal(numerator) / Decimal(denominator)


def days(duration: datetime.timedelta | Number | None) -> Decimal | None:
    """An average interval from PostgreSQL as days with one decimal, or None when nothing was averaged."""
    if duration is None:
        return None
    if isinstance(duration, datetime.timedelta):
        duration = Decimal(duration.total_seconds()) / Decimal(86400)
    return Decimal(duration).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def services_base(services: QuerySet[Service] | None) -> QuerySet[Service]:
    """The queryset every service figure starts from: the caller's filtered queryset or all services."""
    return Service.objects.all() if services is None else services


def job_count(filter: Q | None = None) -> Count:
    """Count service rows by vehicle_id (never NULL) rather than id: services_completed_rpt_idx
    holds vehicle_id but not id, so PostgreSQL can answer from the index alone."""
    return Count("vehicle", filter=filter)


def completed_in(period: Period) -> Q:
    return Q(status=ServiceStatus.COMPLETED, completed_date__range=(period.start, period.end))


@dataclass(frozen=True)
class Comparison:
    """A figure for the chosen period beside the same figure for the period before it."""

    current: Number | None
    previous: Number | None

    @property
    def change(self) -> Decimal | None:
        """Relative change as a fraction (0.25 = +25 %), None when either side is missing or zero."""
        if self.current is None or self.previous in (None, 0):
            return None
        return (Decimal(self.current) - Decimal(self.previous)) / Decimal(self.previous)

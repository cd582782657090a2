"""How far a car goes in a day, and when each of its services falls due: plain functions of its dated
readings and its last service, no database (services.py feeds them in batches; backtest.py replays
history through them).

The km per day is the Theil–Sen slope of the car's recent believed readings: the median of the slopes
between every pair of readings. One typo'd or misdated reading moves the median little where it would
drag a least-squares line. Too few readings (or too short a span): the fleet median for the car's
make and model, then the shop's default.
"""

import calendar
import dataclasses
import datetime
import statistics
from collections.abc import Sequence

# Readings this old or older than the RECENT_READINGS newest are not the car's driving any more (a
# new owner, a new job). Fewer than MIN_READINGS, or spanning under MIN_SPAN_DAYS: too little to go on.
RECENT_DAYS = 730
RECENT_READINGS = 12
MIN_READINGS = 3
MIN_SPAN_DAYS = 30
# Enough to call the car's own rate well founded: half a year of history, several readings.
HIGH_READINGS = 5
HIGH_SPAN_DAYS = 180
# A car below this is parked: its km interval never comes, the months interval decides.
PARKED_KM_PER_DAY = 0.5


class Source:
    OWN = "own"
    FLEET = "fleet"
    DEFAULT = "default"


class Confidence:
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


Reading = tuple[datetime.date, int]


def theil_sen_slope(points: Sequence[tuple[float, float]]) -> float | None:
    """The median of the slopes between every pair of points with different x; None without one."""
    slopes = [
        (y2 - y1) / (x2 - x1)
        for i, (x1, y1) in enumerate(points) for x2, y2 in points[i + 1:] if x2 != x1
    ]
    return statistics.median(slopes) if slopes else None


@dataclasses.dataclass(frozen=True)
class OwnRate:
    km_per_day: float
    readings: int
    span_days: int


def own_rate(readings: Sequence[Reading], *, as_of: datetime.date) -> OwnRate | None:
    """The car's own km per day from its believed readings up to `as_of` (date order), or None when
    they are too few or too close together."""
    recent = [r for r in readings if as_of - datetime.timedelta(days=RECENT_DAYS) < r[0] <= as_of][-RECENT_READINGS:]
    if len(recent) < MIN_READINGS:
        return None
    span = (recent[-1][0] - recent[0][0]).days
    if span < MIN_SPAN_DAYS:
        return None
    slope = theil_sen_slope([(float(d.toordinal()), float(km)) for d, km in recent])
    if slope is None:
        return None
    return OwnRate(max(slope, 0.0), len(recent), span)


@dataclasses.dataclass(frozen=True)
class Rate:
    km_per_day: float
    source: str
    confidence: str
    readings: int


def rate_choose(own: OwnRate | None, *, fleet_median: float | None, default: float) -> Rate:
    """The car's own rate when it has one, else its make and model's median, else the shop default."""
    if own is not None:
        high = own.readings >= HIGH_READINGS and own.span_days >= HIGH_SPAN_DAYS
        return Rate(own.km_per_day, Source.OWN, Confidence.HIGH if high else Confidence.MEDIUM, own.readings)
    if fleet_median is not None:
        return Rate(fleet_median, Source.FLEET, Confidence.LOW, 0)
    return Rate(default, Source.DEFAULT, Confidence.LOW, 0)


def months_add(day: datetime.date, months: int) -> datetime.date:
    """`day` moved on by whole months, kept within the month (31 Aug + 6 months = 28/29 Feb)."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def km_on(readings: Sequence[Reading], day: datetime.date, *, km_per_day: float) -> float | None:
    """The odometer on `day`: the nearest believed reading, moved on (or back) at the car's rate."""
    if not readings:
        return None
    near_day, near_km = min(readings, key=lambda r: abs((r[0] - day).days))
    return near_km + km_per_day * (day - near_day).days


@dataclasses.dataclass(frozen=True)
class Due:
    due_date: datetime.date
    due_by: str  # "km" or "months": which interval comes first
    km_since_last: int


def due_predict(
    *, readings: Sequence[Reading], last_service: datetime.date, today: datetime.date, km_per_day: float,
    interval_km: int | None, interval_months: int | None,
) -> Due | None:
    """When the next service falls due: the earlier of last service + months and the day the car has
    covered interval_km since it (at km_per_day from its nearest reading). None when the type has no
    interval. km_since_last is the estimate for `today` (at the rate alone when the car has no reading)."""
    candidates: list[tuple[datetime.date, str]] = []
    if interval_months:
        candidates.append((months_add(last_service, interval_months), "months"))
    at_last = km_on(readings, last_service, km_per_day=km_per_day)
    now = km_on(readings, today, km_per_day=km_per_day)
    if interval_km and km_per_day >= PARKED_KM_PER_DAY:
        if at_last is None or not readings:
            days = interval_km / km_per_day
            candidates.append((last_service + datetime.timedelta(days=round(days)), "km"))
        else:
            ref_day, ref_km = readings[-1]
            days = (at_last + interval_km - ref_km) / km_per_day
            candidates.append((ref_day + datetime.timedelta(days=round(days)), "km"))
    if not candidates:
        return None
    due_date, due_by = min(candidates)
    if at_last is None or now is None:
        since = round(km_per_day * (today - last_service).days)
    else:
        since = round(now - at_last)
    return Due(due_date, due_by, max(since, 0))

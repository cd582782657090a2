"""Report periods: a range of whole days in the shop's time zone, and the period to compare it with."""

import calendar
import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

SHOP_TZ = ZoneInfo(settings.TIME_ZONE)


def shop_today() -> datetime.date:
    return timezone.localdate(timezone=SHOP_TZ)


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later (or earlier), clamped to the month's last day."""
    month_index = day.year * 12 + day.month - 1 + months
    year, month = divmod(month_index, 12)
    month += 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def month_end(day: datetime.date) -> datetime.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


@dataclass(frozen=True)
class Period:
    """Whole days from `start` to `end`, both included, in Africa/Nairobi."""

    start: datetime.date
    end: datetime.date

    def __post_init__(self) -> None:
        if self.start > self.end:
            raise ValueError(f"period starts ({self.start}) after it ends ({self.end})")

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def _whole_months(self) -> int | None:
        """How many calendar months the period covers exactly, or None when it is not month-aligned."""
        if self.start.day != 1 or self.end != month_end(self.end):
            return None
        return (self.end.year - self.start.year) * 12 + self.end.month - self.start.month + 1

    def previous(self) -> "Period":
        """The period to compare with: the same number of calendar months before (so March is compared
        with February, not with the 31 days before it), otherwise the same number of days before."""
        months = self._whole_months()
        if months:
            start = add_months(self.start, -months)
            return Period(start, month_end(add_months(start, months - 1)))
        return Period(self.start - datetime.timedelta(days=self.days), self.start - datetime.timedelta(days=1))

    # Timestamp columns are compared with half-open ranges of aware datetimes rather than `__date`,
    # so PostgreSQL can use the indexes on sent_at / created_at.
    @property
    def start_at(self) -> datetime.datetime:
        return datetime.datetime.combine(self.start, datetime.time.min, tzinfo=SHOP_TZ)

    @property
    def end_before(self) -> datetime.datetime:
        return datetime.datetime.combine(self.end + datetime.timedelta(days=1), datetime.time.min, tzinfo=SHOP_TZ)

    def __str__(self) -> str:
        if self._whole_months() == 1:
            return self.start.strftime("%B %Y")
        return f"{self.start:%d %b %Y} – {self.end:%d %b %Y}"


def preset_period(name: str, *, today: datetime.date | None = None) -> Period:
    """The period a preset name stands for, relative to today in the shop's time zone."""
    today = today or shop_today()
    this_month = month_start(today)
    quarter_start = this_month.replace(month=(today.month - 1) // 3 * 3 + 1)
    presets = {
        "this_month": lambda: Period(this_month, month_end(today)),
        "last_month": lambda: Period(add_months(this_month, -1), this_month - datetime.timedelta(days=1)),
        "this_quarter": lambda: Period(quarter_start, month_end(add_months(quarter_start, 2))),
        "last_quarter": lambda: Period(add_months(quarter_start, -3), quarter_start - datetime.timedelta(days=1)),
        "last_30_days": lambda: Period(today - datetime.timedelta(days=29), today),
        "this_year": lambda: Period(today.replace(month=1, day=1), today.replace(month=12, day=31)),
        "last_year": lambda: Period(datetime.date(today.year - 1, 1, 1), datetime.date(today.year - 1, 12, 31)),
    }
    return presets[name]()


PRESETS = [
    ("this_month", "This month"),
    ("last_month", "Last month"),
    ("this_quarter", "This quarter"),
    ("last_quarter", "Last quarter"),
    ("last_30_days", "Last 30 days"),
    ("this_year", "This year"),
    ("last_year", "Last year"),
    ("custom", "Custom dates"),
]
DEFAULT_PRESET = "this_month"


def months_ending(end: datetime.date, count: int = 12) -> tuple[datetime.date, datetime.date]:
    """The `count` calendar months ending with the one holding `end`: (first day, last day) bounds."""
    last = month_start(end)
    first = add_months(last, -(count - 1))
    return first, month_end(last)

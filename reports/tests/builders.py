"""Hand-made report data: each helper writes exactly the rows a test names, nothing else."""

import datetime
from decimal import Decimal

from servicing.models import ServiceStatus
from servicing.tests.factories import ServiceFactory

from reports.periods import Period

MARCH = Period(datetime.date(2026, 3, 1), datetime.date(2026, 3, 31))
FEBRUARY = Period(datetime.date(2026, 2, 1), datetime.date(2026, 2, 28))


def completed(*, cost, on, scheduled=None, **extra):
    """A job completed on `on` (a date), scheduled on `scheduled` (default: the same day)."""
    return ServiceFactory(
        status=ServiceStatus.COMPLETED, cost=Decimal(cost), completed_date=on,
        scheduled_date=on if scheduled is None else scheduled, **extra,
    )


def day(month, dom, year=2026):
    return datetime.date(year, month, dom)


def place_notification(note, at):
    """Put a notification at instant `at` on every column reports may date it by (sent_at; and
    created_at once the notifications engine adds it): both have database defaults of now."""
    from notifications.models import Notification
    from reports.selectors.notifications import notification_time_field

    Notification.objects.filter(pk=note.pk).update(**{"sent_at": at, notification_time_field(): at})

"""Sending a job's estimate to its owner (issue 16 item 2): one SMS or email through the notifications
outbox, carrying the job's status link, whose portal page shows the estimate line by line.

The stored text holds the link's placeholder, never a token (notifications/links.py): the link is
made when the worker sends the message. A press is sent at most once: the staff page posts the id of
the last message carrying this job's link that it showed; under the job's row lock, a newer one means
this press (or a colleague's) already sent it, and nothing is sent again.
"""

import dataclasses

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from notifications.links import PLACEHOLDERS, LinkKind
from notifications.models import Notification, NotificationType
from notifications.services import notification_create
from servicing.models import Service, ServiceStatus
from servicing.selectors import service_client

from .selectors import estimate_summary
from .services.errors import BillingRefused
from .templatetags.billing import money

CHANNELS = (NotificationType.SMS, NotificationType.EMAIL)


class EstimateNotSent(BillingRefused):
    """The estimate cannot be sent (no lines, a closed job, an unknown channel); nothing was written."""


@dataclasses.dataclass(frozen=True)
class EstimateSendResult:
    sent: bool
    notification: Notification


def estimate_last_message(*, service: Service) -> Notification | None:
    """The latest message carrying this job's status link (what the staff page posts back as seen)."""
    return (
        Notification.objects.filter(service=service, link=LinkKind.STATUS_LINK)
        .order_by("-created_at", "-id").first()
    )


def _language(client: object) -> str:
    # The owner's own language once clients carry one (Client.preferred_language); the shop's until then.
    preferred = getattr(client, "preferred_language", "") or ""
    return preferred if preferred in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


@transaction.atomic
def estimate_send(
    *, service: Service, channel: str, by: AbstractBaseUser | None, last_seen: str | None,
) -> EstimateSendResult:
    """Send the estimate of an open job to its owner by `channel` (SMS or email).

    `last_seen`: the id of the latest status-link message of the job the sender's page showed (None:
    none). If a newer one exists, this press was already served: returns it with sent=False.
    """
    if channel not in CHANNELS:
        raise EstimateNotSent("Choose SMS or email to send the estimate.")
    job = Service.objects.select_for_update().select_related("vehicle__client").get(pk=service.pk)
    if job.status in (ServiceStatus.COMPLETED, ServiceStatus.CANCELLED):
        raise EstimateNotSent(f"This job is {ServiceStatus(job.status).label.lower()}: its estimate is closed.")
    latest = estimate_last_message(service=job)
    if latest is not None and str(latest.pk) != (last_seen or ""):
        return EstimateSendResult(sent=False, notification=latest)
    summary = estimate_summary(service=job)
    if not summary.line_count:
        raise EstimateNotSent("This job has no estimate lines to send: price it first.")
    vehicle = job.vehicle
    # The job's own client (the car's owner when it was booked): a car sold since has another client.
    owner = service_client(service=job)
    if owner is None:
        raise EstimateNotSent("The client this job was booked for is no longer on file: there is nobody to send it to.")
    values = {
        "job": job.service_type, "plate": vehicle.license_plate or vehicle.vin,
        "total": f"KES {money(summary.all.total)}", "url": PLACEHOLDERS[LinkKind.STATUS_LINK],
    }
    with translation.override(_language(owner)):
        message = _("Your estimate for the %(job)s on %(plate)s: %(total)s incl. VAT. "
                    "See each item and tell us which to do: %(url)s") % values
        subject = _("Estimate for %(plate)s") % values
    notification = notification_create(
        channel=channel, client=owner, service=job, vehicle=vehicle, message=message,
        subject=subject if channel == NotificationType.EMAIL else "", link=LinkKind.STATUS_LINK,
    )
    return EstimateSendResult(sent=True, notification=notification)

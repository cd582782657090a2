"""Template filters for the portal: the portal app's `portal` library (`{% load portal %}`)."""

from decimal import Decimal

from django import template
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from notifications.models import NotificationType
from servicing.models import ServiceStatus

register = template.Library()

# The portal's own words for the statuses: a client books a job, the shop's "pending".
STATUS_LABELS = {
    ServiceStatus.PENDING: _("Booked"),
    ServiceStatus.IN_PROGRESS: _("In progress"),
    ServiceStatus.COMPLETED: _("Completed"),
    ServiceStatus.CANCELLED: _("Cancelled"),
}


CHANNEL_LABELS = {
    NotificationType.SMS: _("SMS"),
    NotificationType.EMAIL: _("Email"),
    NotificationType.IN_APP: _("In the portal"),
}


@register.filter
def channel_label(channel):
    return CHANNEL_LABELS.get(channel, channel or "")


@register.filter
def status_label(status):
    return STATUS_LABELS.get(status, status or "")


@register.filter
def kes(amount):
    """KES 12,500 (cents shown only when there are any), the way Kenyan invoices write it."""
    if amount is None:
        return ""
    amount = Decimal(amount)
    text = f"{amount:,.0f}" if amount == amount.to_integral_value() else f"{amount:,.2f}"
    return f"KES {text}"


@register.filter
def first_name(full_name):
    return (full_name or "").split(" ")[0]


@register.filter
def html_datetime(value):
    """A `<time datetime>` value HTML accepts: local time to the second with its offset.

    Django's `date:"c"` keeps microseconds (2026-11-20T15:00:00.123456+03:00), which is not a valid
    global date-and-time string (the Nu checker flags it)."""
    if not value:
        return ""
    return timezone.localtime(value).replace(microsecond=0).isoformat()

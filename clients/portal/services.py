"""The portal's writes: issuing links, and marking the inbox read (the one write a client causes)."""

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from notifications.models import NotificationType

from .delivery import send_sign_in_link, send_status_link
from .lookup import ContactKind, normalise_contact
from .models import PortalInboxRead
from .tokens import status_link_token_issue


@transaction.atomic
def sign_in_link_send(*, client, typed_contact, origin):
    """Send a 10-minute sign-in link to the address the client typed (the link is made when sent)."""
    kind, _ = normalise_contact(typed_contact)
    channel = NotificationType.EMAIL if kind == ContactKind.EMAIL else NotificationType.SMS
    return send_sign_in_link(client=client, channel=channel, origin=origin)


def status_link_url(*, service):
    """A new status link for one service, as an absolute URL (for a message, or for staff to copy)."""
    raw = status_link_token_issue(service=service)
    return settings.PORTAL_BASE_URL.rstrip("/") + reverse("portal:status_link", kwargs={"token": raw})


@transaction.atomic
def status_link_send(*, service, channel=NotificationType.SMS):
    """Send a status link to the service's owner (staff's "resend"); the link is made when sent."""
    return send_status_link(service=service, channel=channel)


def status_links_revoke(*, tokens):
    """Revoke the given PortalToken queryset; returns how many were still live."""
    return tokens.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())


def inbox_mark_read(*, notifications):
    """Mark these notifications read (those already marked stay as they were)."""
    PortalInboxRead.objects.bulk_create(
        [PortalInboxRead(notification_id=n.pk, notification_created_at=n.created_at) for n in notifications],
        ignore_conflicts=True,
    )


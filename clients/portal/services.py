"""The portal's writes: issuing links, and marking the inbox read (the one write a client causes)."""

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from notifications.models import NotificationType

from .delivery import send_sign_in_link, send_status_link
from .lookup import ContactKind, normalise_contact
from .models import PortalInboxRead, PortalToken, TokenPurpose
from .tokens import CLOSED_STATUSES, STATUS_LINK_GRACE, sign_in_token_issue, status_link_token_issue


@transaction.atomic
def sign_in_link_send(*, client, typed_contact, origin):
    """Issue a 10-minute sign-in link and send it to the address the client typed."""
    kind, _ = normalise_contact(typed_contact)
    raw = sign_in_token_issue(client=client)
    url = origin + reverse("portal:sign_in_confirm", kwargs={"token": raw})
    channel = NotificationType.EMAIL if kind == ContactKind.EMAIL else NotificationType.SMS
    return send_sign_in_link(client=client, channel=channel, url=url)


def status_link_url(*, service):
    """A new status link for one service, as an absolute URL (for a message, or for staff to copy)."""
    raw = status_link_token_issue(service=service)
    return settings.PORTAL_BASE_URL.rstrip("/") + reverse("portal:status_link", kwargs={"token": raw})


@transaction.atomic
def status_link_send(*, service, channel=NotificationType.SMS):
    """Issue a status link and send it to the service's owner (staff's "resend")."""
    return send_status_link(service=service, channel=channel, url=status_link_url(service=service))


def status_links_revoke(*, tokens):
    """Revoke the given PortalToken queryset; returns how many were still live."""
    return tokens.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())


def inbox_mark_read(*, notifications):
    """Mark these notifications read (those already marked stay as they were)."""
    PortalInboxRead.objects.bulk_create(
        [PortalInboxRead(notification_id=n.pk, notification_created_at=n.created_at) for n in notifications],
        ignore_conflicts=True,
    )



# Sign-in links are kept a day past their 10-minute life, so staff can still see that a client who
# phones in did ask for one.
SIGN_IN_KEPT_AFTER_EXPIRY = datetime.timedelta(days=1)


@transaction.atomic
def portal_tokens_purge_expired(*, now: datetime.datetime | None = None) -> int:
    """Delete links that can never open anything again; returns how many (beat runs it nightly).

    - sign-in links a day after they expired (used or not);
    - status links revoked more than STATUS_LINK_GRACE ago;
    - status links of jobs closed more than STATUS_LINK_GRACE ago. The job's updated_at is at or after
      the moment it closed, so this never deletes a link that status_link_expires_at would still honour.
    """
    now = now or timezone.now()
    dead = (
        Q(purpose=TokenPurpose.SIGN_IN, expires_at__lte=now - SIGN_IN_KEPT_AFTER_EXPIRY)
        | Q(purpose=TokenPurpose.STATUS_LINK, revoked_at__lte=now - STATUS_LINK_GRACE)
        | Q(
            purpose=TokenPurpose.STATUS_LINK, service__status__in=CLOSED_STATUSES,
            service__updated_at__lte=now - STATUS_LINK_GRACE,
        )
    )
    deleted, _ = PortalToken.objects.filter(dead).delete()
    return deleted

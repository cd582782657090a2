"""The portal's writes: issuing links, marking the inbox read and the client's language (the two
writes a client causes)."""

import datetime
import logging

from collections.abc import Iterable

from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from concierge.celery import enqueue_now_rollback_unsafe
from notifications.models import Notification, NotificationType
from servicing.models import Service

from clients.models import Client, Language

from .delivery import portal_url, send_sign_in_link, send_status_link
from .lookup import ContactKind, clients_for_contact_key
from .models import PortalInboxRead, PortalToken, TokenPurpose
from .tokens import CLOSED_STATUSES, STATUS_LINK_GRACE, status_link_token_issue

logger = logging.getLogger(__name__)


def sign_in_request_queue(*, kind: str, contact_hash: str) -> None:
    """The web's half of a sign-in request: hand the contact's keyed hash to a worker, after commit.

    The view does this and nothing else, whether or not a client has the contact: looking the client
    up, issuing the token and writing the message (two inserts more for a known contact, twice the
    time) happen in the worker, so the answer's timing tells nobody which contacts are clients."""
    from clients.tasks import fulfil_sign_in_request

    def publish() -> None:
        if not enqueue_now_rollback_unsafe(fulfil_sign_in_request, kind, contact_hash):
            # No row stands for the request, so no sweeper sends it later: the person asks again.
            logger.warning("a portal sign-in request was dropped: the broker did not take it")

    transaction.on_commit(publish)


@transaction.atomic
def sign_in_request_fulfil(*, kind: str, contact_hash: str) -> Notification | None:
    """The worker's half: if a client has this contact, send a 10-minute sign-in link to it (by email
    for an email, by SMS for a phone). A phone shared by several clients gets one link, from which
    each of them can sign in as themselves (tokens.sign_in_token_redeem). None when nobody has it."""
    owners = clients_for_contact_key(kind, contact_hash)
    if not owners:
        return None
    # The token is made when the message is sent (delivery.py: no table holds a live link).
    channel = NotificationType.SMS if kind == ContactKind.PHONE else NotificationType.EMAIL
    return send_sign_in_link(client=owners[0], channel=channel)


def status_link_url(*, service: Service) -> str:
    """A new status link for one service, as an absolute URL (for a message, or for staff to copy)."""
    raw = status_link_token_issue(service=service)
    return portal_url(reverse("status_link_short", kwargs={"token": raw}))


@transaction.atomic
def status_link_send(*, service: Service, channel: str = NotificationType.SMS) -> Notification:
    """Send a status link to the service's owner (staff's "resend"); the link is made when sent."""
    return send_status_link(service=service, channel=channel)


def status_links_revoke(*, tokens: QuerySet[PortalToken]) -> int:
    """Revoke the given PortalToken queryset; returns how many were still live."""
    return tokens.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())


def inbox_mark_read(*, notifications: Iterable[Notification]) -> None:
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


def client_language_choose(*, client: Client, language: str) -> bool:
    """The signed-in client chose a language in the portal: their messages go out in it from now on.
    One conditional UPDATE of their own row (audited by its trigger); False when it was already theirs.
    Raises ValueError for a language the shop does not write in."""
    language = Language(language)
    return bool(Client.objects.filter(pk=client.pk).exclude(preferred_language=language)
                .update(preferred_language=language))

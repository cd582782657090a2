"""Portal link tokens: 256 random bits from `secrets`, kept only as their SHA-256.

Issuing returns the raw token once, for the message; the database never sees it. Redeeming looks the
hash up, so a tampered token is simply one that matches no row.
"""

import datetime
import hashlib
import secrets

from django.db import transaction
from django.utils import timezone

from servicing.models import ServiceStatus
from servicing.selectors import service_client

from .lookup import clients_sharing_phone_hash
from .models import PortalToken, TokenPurpose

SIGN_IN_LIFETIME = datetime.timedelta(minutes=10)
STATUS_LINK_GRACE = datetime.timedelta(days=30)
CLOSED_STATUSES = (ServiceStatus.COMPLETED, ServiceStatus.CANCELLED)


class InvalidToken(Exception):
    """The link is unknown, tampered with, expired, used or revoked: the page says only that."""


class NoJobOwner(Exception):
    """The job's car belonged, when the job was made, to a client deleted since: nobody to send it to."""


class OwnerNotChosen(Exception):
    """A link sent to a phone several clients share was used without choosing which of them signs in."""

    def __init__(self, owners):
        super().__init__("choose who signs in")
        self.owners = owners


def token_hash(raw):
    return hashlib.sha256(raw.encode()).hexdigest()


def _new_raw_token():
    return secrets.token_urlsafe(32)  # 32 bytes = 256 bits


def sign_in_token_issue(*, client, phone_hash=""):
    """A sign-in link for `client`; `phone_hash`: the link goes by SMS to that phone, and so may sign in
    any client who has it (a family sharing a phone)."""
    raw = _new_raw_token()
    PortalToken.objects.create(
        token_hash=token_hash(raw), client=client, purpose=TokenPurpose.SIGN_IN,
        expires_at=timezone.now() + SIGN_IN_LIFETIME, sent_to_phone_hash=phone_hash or "",
    )
    return raw


# A status link travels in an SMS whose every character counts (docs/notifications.md, "Languages and
# message length"): 128 random bits, 22 characters, rather than 256. Still unguessable: a guess is one
# HTTP request and one indexed lookup of its hash, against 2^128 possible tokens per live link.
STATUS_LINK_TOKEN_BYTES = 16


def status_link_token_issue(*, service):
    """A status link for the job's own client (the car's owner when the job was made, who may have sold
    it since), never the car's client now. NoJobOwner when that client is no longer on file."""
    client = service_client(service=service)
    if client is None:
        raise NoJobOwner(service)
    raw = secrets.token_urlsafe(STATUS_LINK_TOKEN_BYTES)
    PortalToken.objects.create(
        token_hash=token_hash(raw), client=client, purpose=TokenPurpose.STATUS_LINK, service=service,
    )
    return raw


def _live(queryset, raw, now):
    if not raw or len(raw) > 128:
        raise InvalidToken
    token = queryset.filter(token_hash=token_hash(raw), revoked_at__isnull=True).first()
    if token is None:
        raise InvalidToken
    if token.expires_at is not None and token.expires_at <= now:
        raise InvalidToken
    return token


def _owners(token):
    """Who a sign-in link may sign in: its client, or everyone who has the phone it was sent to now (a
    client whose phone changed since is no longer offered; nobody left means the link is dead)."""
    if not token.sent_to_phone_hash:
        return [token.client]
    owners = clients_sharing_phone_hash(token.sent_to_phone_hash)
    if not owners:
        raise InvalidToken
    return owners


def sign_in_token_check(raw):
    """The clients a sign-in link may sign in (one, or each client sharing the phone it went to),
    without using it up (for the confirm page)."""
    token = _live(PortalToken.objects.select_related("client"), raw, timezone.now())
    if token.purpose != TokenPurpose.SIGN_IN or token.used_at is not None:
        raise InvalidToken
    return _owners(token)


@transaction.atomic
def sign_in_token_redeem(raw, *, client_id=None):
    """Use a sign-in link up and return the client it signs in: the only one it may, or `client_id`
    chosen among those sharing its phone (OwnerNotChosen, the link left unused, when that is not one
    of them). The row lock makes two clicks race to one winner."""
    now = timezone.now()
    token = _live(
        PortalToken.objects.select_for_update(of=("self",)).select_related("client")
        .filter(purpose=TokenPurpose.SIGN_IN, used_at__isnull=True),
        raw, now,
    )
    owners = _owners(token)
    if client_id is None and len(owners) == 1:
        chosen = owners[0]
    else:
        chosen = next((owner for owner in owners if str(owner.pk) == str(client_id)), None)
    if chosen is None:
        raise OwnerNotChosen(owners)
    token.used_at = now
    token.save(update_fields=["used_at"])
    return chosen


def status_link_expires_at(service, closed_at):
    """30 days after the job closed; None while it is still open (the link works meanwhile)."""
    if service.status not in CLOSED_STATUSES or closed_at is None:
        return None
    return closed_at + STATUS_LINK_GRACE


def status_link_service(raw, *, closed_at_for):
    """The one service a status link opens, and the client it was issued to (whose scope the page
    reads it through). `closed_at_for(service)` says when the job was closed."""
    token = _live(
        PortalToken.objects.select_related("service__vehicle", "client").filter(purpose=TokenPurpose.STATUS_LINK),
        raw, timezone.now(),
    )
    service = token.service
    expires_at = status_link_expires_at(service, closed_at_for(service))
    if expires_at is not None and expires_at <= timezone.now():
        raise InvalidToken
    return service, token.client

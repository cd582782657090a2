"""Handing portal links to the notification channels.

Each link becomes a notifications.Notification written in the caller's transaction through
`notification_create`, which queues its delivery after commit (and leaves it pending for the beat
sweeper when Redis is down, so a sign-in request never fails because of the broker).

The stored text holds the link's placeholder, never the link: the token is made when the worker
sends the message (the makers registered below), so no table, audit row or admin page holds a live
link (docs/notifications.md, "No live link stored").
"""

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from clients.models import Client
from notifications.models import Notification, NotificationType
from notifications.backends import PermanentDeliveryError
from notifications.links import PLACEHOLDERS, LinkKind, link_maker_register
from notifications.services import notification_create
from servicing.models import Service
from servicing.selectors import service_client

from .tokens import NoJobOwner, sign_in_token_issue


@transaction.atomic
def send_sign_in_link(*, client: Client, channel: str) -> Notification:
    """A 10-minute sign-in link for `client` by `channel`; the link is made when the message is sent.
    In the client's language, not the language of whoever's request or worker wrote it."""
    with translation.override(client.preferred_language):
        message = _("Your sign-in link for %(shop)s, valid for 10 minutes and once: %(url)s") % {
            "shop": settings.SHOP_NAME, "url": PLACEHOLDERS[LinkKind.SIGN_IN]}
    return notification_create(client=client, channel=channel, link=LinkKind.SIGN_IN, message=message,
                               language=client.preferred_language)


@transaction.atomic
def send_status_link(*, service: Service, channel: str) -> Notification:
    """Text or email the job's status link to the job's own client (the car's owner when the job was
    made: a car sold since has another client now, who must not get it). NoJobOwner when that client
    is no longer on file."""
    vehicle = service.vehicle
    client = service_client(service=service)
    if client is None:
        raise NoJobOwner(service)
    with translation.override(client.preferred_language):
        message = _("Follow the %(job)s on %(plate)s here: %(url)s") % {
            "job": service.service_type, "plate": vehicle.license_plate or vehicle.vin,
            "url": PLACEHOLDERS[LinkKind.STATUS_LINK]}
    return notification_create(
        client=client, vehicle=vehicle, service=service, channel=channel, link=LinkKind.STATUS_LINK,
        message=message, language=client.preferred_language,
    )


def portal_url(path: str) -> str:
    """An absolute link into the portal for a message: PORTAL_BASE_URL, the one origin every link sent
    to a client starts with (in development `make run` sets it to the port it serves)."""
    return settings.PORTAL_BASE_URL.rstrip("/") + path


def sign_in_link_url(*, client, phone_hash=""):
    """A new 10-minute sign-in link (its lifetime starts when it is sent, not when it was asked for).
    `phone_hash`: it goes by SMS to that phone, so whoever shares the phone may sign in as themselves."""
    raw = sign_in_token_issue(client=client, phone_hash=phone_hash)
    return portal_url(reverse("portal:sign_in_confirm", kwargs={"token": raw}))


def _make_sign_in_link(notification):
    # A text goes to the client's phone as it is now, so the link is bound to that phone's keyed hash
    # (a family sharing it each sign in as themselves: docs/portal.md); an email link to the client alone.
    client = notification.client
    by_sms = notification.channel == NotificationType.SMS
    return sign_in_link_url(client=client, phone_hash=client.phone_hash if by_sms else "")


def _make_status_link(notification):
    # Imported here: services imports this module (portal_url, the senders).
    from .services import status_link_url

    if notification.service is None:
        return ""
    # A message about an old job of a car sold since (a reminder, an overdue invoice) may have been
    # addressed to the car's new client: the link opens the job to its own client only, never to them.
    if notification.client_id is not None and _job_client_id(notification.service) != notification.client_id:
        raise PermanentDeliveryError("not sent: the status link is for the job's own client, not this one")
    return status_link_url(service=notification.service)


def _job_client_id(service):
    client = service_client(service=service)
    return client.pk if client is not None else None


def register_link_makers():
    link_maker_register(LinkKind.SIGN_IN, _make_sign_in_link)
    link_maker_register(LinkKind.STATUS_LINK, _make_status_link)

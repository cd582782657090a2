"""Links that carry a secret (portal sign-in and status links) are made when a message is sent.

The stored text of such a notification holds a placeholder (`[sign-in link]`, `[status link]`) and
the row says which link it needs (`link`; every link starts with PORTAL_BASE_URL). Delivery mints the token and puts the link into the text it hands to the
provider, and nowhere else: the notifications table, its audit rows and the admin pages never hold
a live link (docs/notifications.md, "No live link stored").

The portal makes the links; notifications does not import it. It registers a maker per kind when the
apps load (clients.apps), as receivers connect to a signal.
"""

from collections.abc import Callable

from django.db import DatabaseError, models

from .backends import PermanentDeliveryError, TransientDeliveryError


class LinkKind(models.TextChoices):
    SIGN_IN = "sign_in", "Sign-in link"
    STATUS_LINK = "status_link", "Status link"


PLACEHOLDERS = {LinkKind.SIGN_IN: "[sign-in link]", LinkKind.STATUS_LINK: "[status link]"}

# kind → function(notification) → absolute URL, a fresh token in it.
_makers: dict[str, Callable] = {}


def link_maker_register(kind: str, maker: Callable) -> None:
    _makers[LinkKind(kind)] = maker


def message_for_sending(notification) -> str:
    """The text to hand to the provider: the stored text with its link made now. Raised errors say
    nothing was sent (the provider has not been called yet)."""
    if not notification.link:
        return notification.message
    maker = _makers.get(notification.link)
    if maker is None:
        raise PermanentDeliveryError(f"not sent: nothing makes {notification.get_link_display().lower()}s")
    try:
        url = maker(notification)
    except DatabaseError:
        # The token row could not be written: nothing left, try again later.
        raise TransientDeliveryError("not sent: the link could not be made (database error)") from None
    return notification.message.replace(PLACEHOLDERS[notification.link], url)


def link_maker_registered(kind: str) -> bool:
    """Whether an app makes links of this kind (a message may then carry its placeholder)."""
    return LinkKind(kind) in _makers

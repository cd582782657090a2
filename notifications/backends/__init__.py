"""Delivery backends, chosen by setting like Django's EMAIL_BACKEND (SMS_BACKEND for text messages).

A backend's send raises TransientDeliveryError (try again later: timeouts, 5xx, provider busy) or
PermanentDeliveryError (retrying cannot help: invalid number, refused address); anything else it
returns is the provider's message id.
"""

from django.conf import settings
from django.utils.module_loading import import_string


class DeliveryError(Exception):
    """A message did not go out; the text is kept on the notification, so it names no personal data."""


class TransientDeliveryError(DeliveryError):
    pass


class PermanentDeliveryError(DeliveryError):
    pass


def get_sms_backend(path=None):
    return import_string(path or settings.SMS_BACKEND)()


def mask_number(number):
    """+254712345678 → +2547******78: enough to tell numbers apart in a console, not to dial one."""
    number = number or ""
    return number[:5] + "*" * max(len(number) - 7, 0) + number[-2:] if len(number) > 7 else "***"

"""Delivery backends, chosen by setting like Django's EMAIL_BACKEND (SMS_BACKEND for text messages).

A backend's send returns the provider's message id once the provider accepted the message, or raises
one of three errors, which say what we know about the message (docs/notifications.md, "Sent, failed,
uncertain"):

- TransientDeliveryError: it provably did not go out and a later attempt may work (connection refused,
  connect timeout, the provider answered that it is busy or broken): retried automatically.
- PermanentDeliveryError: it provably did not go out and retrying cannot help (invalid number,
  refused address).
- UncertainDeliveryError: the request may have reached the provider but its answer was lost (read
  timeout, connection dropped after the request was written, an answer we cannot read). Never retried
  automatically: a person decides.
"""

import sys

from django.conf import settings
from django.utils.module_loading import import_string


class DeliveryError(Exception):
    """A message did not go out; the text is kept on the notification, so it names no personal data."""


class TransientDeliveryError(DeliveryError):
    def __init__(self, message: str, *, retry_after: float | None = None):
        super().__init__(message)
        self.retry_after = retry_after  # seconds the provider asked us to wait (Retry-After), if it said


class PermanentDeliveryError(DeliveryError):
    pass


class UncertainDeliveryError(DeliveryError):
    """The message may or may not have gone out: resending could text the client twice."""


def console_stream():
    """The process's own stdout, for the development console backends: Celery's worker replaces
    sys.stdout with a proxy into the logging, whose redaction cuts the links they print."""
    return sys.__stdout__ or sys.stdout


def get_sms_backend(path=None):
    return import_string(path or settings.SMS_BACKEND)()


# The longest phone number a provider's callback may carry to be read as one: E.164 is at most 15
# digits; with a "+" and the spaces or dashes a provider might keep, 32 is ample.
PROVIDER_PHONE_MAX = 32


def mask_number(number):
    """+254712345678 → +2547******78: enough to tell numbers apart in a console, not to dial one."""
    number = number or ""
    return number[:5] + "*" * max(len(number) - 7, 0) + number[-2:] if len(number) > 7 else "***"

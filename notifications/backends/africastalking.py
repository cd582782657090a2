"""Africa's Talking bulk SMS (Kenya), with the provider's documented request:

POST {base}/version1/messaging, form-encoded username, to, message (and from, the sender id, when
set), headers apiKey and Accept: application/json. The live base URL is https://api.africastalking.com,
the sandbox's https://api.sandbox.africastalking.com (AFRICASTALKING_BASE_URL). The reply lists one
recipient with a statusCode: 100-102 accepted, others refused for a reason.

What a failure means decides whether it may be retried (docs/notifications.md, "Sent, failed,
uncertain"). The connection is opened first, on its own: a failure there (refused, connect timeout,
DNS, TLS handshake) means no byte of the request left, so the message provably did not go out. Once
the request is being written, a lost answer (read timeout, connection dropped) is uncertain: the
provider may have sent the text. urllib hides that line (both phases raise URLError), hence
http.client here, through concierge.http_deadline: the whole exchange ends within AFRICASTALKING_TIMEOUT
(a provider trickling its answer a byte at a time does not hold the worker), and a deadline passed
after the request left is uncertain like any lost answer.
"""

import http.client
import json
import re
import socket
import urllib.parse

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from concierge.http_deadline import NoAnswer, NotSent, exchange

from . import PermanentDeliveryError, TransientDeliveryError, UncertainDeliveryError

PHONE_LIKE = re.compile(r"\+?\d[\d ]{6,}\d")
ACCEPTED = {100, 101, 102}  # Processed, Sent, Queued
# Per-recipient refusals (the text was not sent) that a later attempt may get past: risk hold,
# balance, routing, provider-side errors. The other named codes are refusals retrying cannot help.
TRANSIENT = {401, 405, 407, 500, 501, 502}
STATUS_NAMES = {
    401: "RiskHold", 402: "InvalidSenderId", 403: "InvalidPhoneNumber", 404: "UnsupportedNumberType",
    405: "InsufficientBalance", 406: "UserInBlacklist", 407: "CouldNotRoute", 409: "DoNotDisturbRejection",
    500: "InternalServerError", 501: "GatewayError", 502: "RejectedByGateway",
}
# HTTP answers from a gateway in front of the provider, which may have acted on the request before
# the gateway gave up on it: not a refusal.
HTTP_GATEWAY_UNCERTAIN = {502, 504}
HTTP_TRANSIENT = {408, 429}
MESSAGE_ID_MAX = 100  # Notification.provider_message_id


def _scrub(text):
    """Provider text kept on the row (the body may echo the number): its words, not the digits."""
    return PHONE_LIKE.sub("[number]", text[:200].strip())


def _why(failure):
    exc = failure.cause
    if exc is None or isinstance(exc, (TimeoutError, socket.timeout)):
        return failure.why
    return type(exc).__name__ if not str(exc) else f"{type(exc).__name__}: {exc}"


class AfricasTalkingSMSBackend:
    def __init__(self):
        self.username = settings.AFRICASTALKING_USERNAME
        self.api_key = settings.AFRICASTALKING_API_KEY
        if not self.username or not self.api_key:
            raise ImproperlyConfigured(
                "SMS_BACKEND is Africa's Talking but AFRICASTALKING_USERNAME / AFRICASTALKING_API_KEY are not set"
            )
        base = urllib.parse.urlsplit(settings.AFRICASTALKING_BASE_URL.rstrip("/"))
        if base.scheme not in ("http", "https") or not base.hostname:
            raise ImproperlyConfigured("AFRICASTALKING_BASE_URL must be an http(s) URL")
        self.scheme, self.host, self.port = base.scheme, base.hostname, base.port
        self.path = base.path + "/version1/messaging"
        self.sender = settings.AFRICASTALKING_SENDER_ID
        self.timeout = settings.AFRICASTALKING_TIMEOUT

    def _connection(self):
        cls = http.client.HTTPSConnection if self.scheme == "https" else http.client.HTTPConnection
        return cls(self.host, self.port, timeout=self.timeout)

    def send(self, *, to, message, sender=None):
        form = {"username": self.username, "to": to, "message": message}
        if sender or self.sender:
            form["from"] = sender or self.sender
        body = urllib.parse.urlencode(form).encode()
        headers = {
            "apiKey": self.api_key, "Accept": "application/json",
            "Content-Type": "application/x-www-form-urlencoded",
        }
        try:
            answer = exchange(self._connection(), "POST", self.path, body=body, headers=headers, timeout=self.timeout)
        except NotSent as exc:
            raise TransientDeliveryError(f"Africa's Talking not reached ({_why(exc)}): nothing was sent") from None
        except NoAnswer as exc:
            raise UncertainDeliveryError(
                f"no answer from Africa's Talking after the request was sent ({_why(exc)})"
            ) from None
        try:
            return self._outcome(answer.status, answer.body)
        except TransientDeliveryError as exc:
            exc.retry_after = answer.retry_after()
            raise

    @staticmethod
    def _outcome(status, payload):
        detail = _scrub(payload.decode("utf-8", "replace"))
        if status in HTTP_GATEWAY_UNCERTAIN:
            raise UncertainDeliveryError(f"Africa's Talking gateway answered HTTP {status}: {detail}")
        if status >= 500 or status in HTTP_TRANSIENT:
            raise TransientDeliveryError(f"Africa's Talking HTTP {status}: {detail}")
        if status >= 300:
            raise PermanentDeliveryError(f"Africa's Talking HTTP {status}: {detail}")
        try:
            data = json.loads(payload)["SMSMessageData"]
            recipients = data["Recipients"]
            if not recipients:
                # A readable answer listing nobody: the provider took the message for no one.
                raise PermanentDeliveryError(f"Africa's Talking refused: {_scrub(str(data.get('Message', '')))}")
            recipient = recipients[0]
            code = int(recipient["statusCode"])
        except (ValueError, KeyError, IndexError, TypeError, RecursionError):
            raise UncertainDeliveryError(f"Africa's Talking answered HTTP {status} with an unreadable reply") from None
        if code in ACCEPTED:
            message_id = recipient.get("messageId")
            # Taken is taken: an id we cannot keep (not text, longer than the column) is dropped, and
            # only its delivery reports go unmatched.
            return message_id if isinstance(message_id, str) and len(message_id) <= MESSAGE_ID_MAX else ""
        if code not in STATUS_NAMES:
            raise UncertainDeliveryError(f"Africa's Talking answered with the unknown status code {code}")
        reason = f"Africa's Talking refused: {code} {STATUS_NAMES[code]}"
        raise (TransientDeliveryError if code in TRANSIENT else PermanentDeliveryError)(reason)

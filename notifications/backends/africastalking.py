"""Africa's Talking bulk SMS (Kenya), with the provider's documented request:

POST {base}/version1/messaging, form-encoded username, to, message (and from, the sender id, when
set), headers apiKey and Accept: application/json. The live base URL is https://api.africastalking.com,
the sandbox's https://api.sandbox.africastalking.com (AFRICASTALKING_BASE_URL). The reply lists one
recipient with a statusCode: 100-102 accepted, others refused for a reason.
"""

import json
import re
import urllib.error
import urllib.parse
import urllib.request

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from . import PermanentDeliveryError, TransientDeliveryError

PHONE_LIKE = re.compile(r"\+?\d[\d ]{6,}\d")
ACCEPTED = {100, 101, 102}  # Processed, Sent, Queued
# Refusals that a later attempt may get past: risk hold, balance, routing, provider-side errors.
TRANSIENT = {401, 405, 407, 500, 501, 502}
STATUS_NAMES = {
    401: "RiskHold", 402: "InvalidSenderId", 403: "InvalidPhoneNumber", 404: "UnsupportedNumberType",
    405: "InsufficientBalance", 406: "UserInBlacklist", 407: "CouldNotRoute", 409: "DoNotDisturbRejection",
    500: "InternalServerError", 501: "GatewayError", 502: "RejectedByGateway",
}


class AfricasTalkingSMSBackend:
    def __init__(self):
        self.username = settings.AFRICASTALKING_USERNAME
        self.api_key = settings.AFRICASTALKING_API_KEY
        if not self.username or not self.api_key:
            raise ImproperlyConfigured(
                "SMS_BACKEND is Africa's Talking but AFRICASTALKING_USERNAME / AFRICASTALKING_API_KEY are not set"
            )
        self.url = settings.AFRICASTALKING_BASE_URL.rstrip("/") + "/version1/messaging"
        self.sender = settings.AFRICASTALKING_SENDER_ID
        self.timeout = settings.AFRICASTALKING_TIMEOUT

    def send(self, *, to, message, sender=None):
        form = {"username": self.username, "to": to, "message": message}
        if sender or self.sender:
            form["from"] = sender or self.sender
        request = urllib.request.Request(
            self.url, data=urllib.parse.urlencode(form).encode(), method="POST",
            headers={
                "apiKey": self.api_key, "Accept": "application/json",
                "Content-Type": "application/x-www-form-urlencoded",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                body = response.read()
        except urllib.error.HTTPError as exc:
            # The body may echo the number: keep the provider's words, not the digits.
            detail = PHONE_LIKE.sub("[number]", exc.read()[:200].decode("utf-8", "replace").strip())
            if exc.code >= 500 or exc.code == 429:
                raise TransientDeliveryError(f"Africa's Talking HTTP {exc.code}: {detail}") from None
            raise PermanentDeliveryError(f"Africa's Talking HTTP {exc.code}: {detail}") from None
        except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
            reason = getattr(exc, "reason", exc)
            raise TransientDeliveryError(f"Africa's Talking unreachable: {reason}") from None
        return self._message_id(body)

    @staticmethod
    def _message_id(body):
        try:
            recipient = json.loads(body)["SMSMessageData"]["Recipients"][0]
            code = int(recipient["statusCode"])
        except (ValueError, KeyError, IndexError, TypeError):
            # An answer we cannot read may still have been a send: do not resend blindly.
            raise PermanentDeliveryError("Africa's Talking sent an unreadable reply") from None
        if code in ACCEPTED:
            return recipient.get("messageId", "")
        reason = f"Africa's Talking refused: {code} {recipient.get('status') or STATUS_NAMES.get(code, '')}".strip()
        raise (TransientDeliveryError if code in TRANSIENT else PermanentDeliveryError)(reason)

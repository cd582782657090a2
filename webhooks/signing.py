"""The signature receivers check (docs/webhooks.md, "Verifying a delivery").

HMAC-SHA256, keyed with the endpoint's secret, over "<timestamp>.<body>": the timestamp (Unix seconds,
also sent as X-Concierge-Timestamp) is inside what is signed, so a captured request replayed later
carries a stale timestamp the receiver refuses, and cannot be given a fresh one without the secret.
"""

import hashlib
import hmac
import secrets

SIGNATURE_VERSION = "v1"
SECRET_PREFIX = "whsec_"


def secret_new() -> str:
    """256 random bits, URL-safe; the prefix tells a reader what it is if it turns up somewhere."""
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def signature(*, secret: str, timestamp: int, body: str) -> str:
    """The X-Concierge-Signature header's value: "v1=<hex>"."""
    digest = hmac.new(secret.encode(), f"{timestamp}.{body}".encode(), hashlib.sha256).hexdigest()
    return f"{SIGNATURE_VERSION}={digest}"

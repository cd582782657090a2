"""`Authorization: Bearer <key>`: finds the key, counts the request against its rate limit and names
its acting user to the audit triggers for everything the request writes."""

from typing import Any

from django.http import HttpRequest
from ninja.errors import HttpError
from ninja.security import HttpBearer

from concierge.audit.context import set_acting_user
from concierge.client_ip import client_network

from .models import ApiKey
from .ratelimit import rate_limit_hit
from .services import api_key_for_token, api_key_mark_used


class RateLimited(Exception):
    def __init__(self, retry_after: int, limit: int) -> None:
        self.retry_after = retry_after
        self.limit = limit
        super().__init__(f"rate limit of {limit} requests reached")


class ApiKeyAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> ApiKey | None:
        key = api_key_for_token(token)
        if key is None:
            # Wrong keys count against the sender's address, with the same limit as a key: a script
            # guessing keys or sending a revoked one in a loop gets 429s, not a lookup per request.
            verdict = rate_limit_hit(f"refused:{client_network(request) or 'unknown'}")
            if not verdict.allowed:
                raise RateLimited(verdict.retry_after, verdict.limit)
            return None  # 401 (ninja), saying nothing of why
        request.api_key = key  # type: ignore[attr-defined]  # read by the request log (api.middleware)
        verdict = rate_limit_hit(key.pk)
        if not verdict.allowed:
            raise RateLimited(verdict.retry_after, verdict.limit)
        # ApiRequestMiddleware runs every API request in a transaction: this lasts until it ends.
        set_acting_user(key.acting_user_id)
        api_key_mark_used(key=key)
        return key


def key_of(request: HttpRequest) -> ApiKey:
    key: Any = getattr(request, "auth", None)
    assert isinstance(key, ApiKey)
    return key


def require(request: HttpRequest, needed: str) -> ApiKey:
    """The request's key, if it holds scope `needed`; else 403, naming the scope."""
    key = key_of(request)
    if needed not in key.scopes:
        raise HttpError(403, f"This API key does not have the {needed} scope.")
    return key

"""A request id on every log line, and one access line per request that names the route, not the path.

The id comes from the proxy's X-Request-ID when it looks like one (so nginx's and ours match), else a
new one; it is sent back in the response. The access line logs the URL pattern
(`portal/sign-in/<str:token>/`), never the path, since paths carry portal tokens.
"""

import contextvars
import logging
import re
import time
import uuid

from django.core.signals import request_started

_request_id = contextvars.ContextVar("request_id", default="-")
_INCOMING = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
access_log = logging.getLogger("concierge.access")


def current_request_id() -> str:
    return _request_id.get()


class RequestIdMiddleware:
    """First in MIDDLEWARE, so every later log line of the request carries the id."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _INCOMING.match(incoming) else uuid.uuid4().hex
        # Left set after the response: Django logs a 4xx/5xx ("Not Found: …") after the middleware
        # chain has returned, and that line should carry the id too. request_started clears it.
        _request_id.set(request_id)
        started = time.monotonic()
        response = self.get_response(request)
        response["X-Request-ID"] = request_id
        match = getattr(request, "resolver_match", None)
        access_log.info(
            "%s %s %s %.0f ms", request.method, f"/{match.route}" if match else "<no route>",
            response.status_code, (time.monotonic() - started) * 1000,
        )
        return response


def _clear_request_id(**kwargs):
    _request_id.set("-")


request_started.connect(_clear_request_id, dispatch_uid="concierge.observability.requestid")


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every record (a handler filter, so records from any logger get it)."""

    def filter(self, record):
        record.request_id = _request_id.get()
        return True

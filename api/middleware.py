"""Every /api/ request in one transaction (the acting user of its writes set by api.auth), rolled back
on a server error like ATOMIC_REQUESTS; then one line in the request log for requests made with a key."""

import time

from django.db import transaction

from .services import api_request_log

PREFIX = "/api/"


class ApiRequestMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith(PREFIX):
            return self.get_response(request)
        started = time.monotonic()
        with transaction.atomic():
            response = self.get_response(request)
            if response.status_code >= 500:
                transaction.set_rollback(True)
        key = getattr(request, "api_key", None)
        if key is not None:
            # After the request's own transaction: a refused or rolled-back request is still on record.
            api_request_log(
                key=key, method=request.method, path=request.path, status=response.status_code,
                duration_ms=int((time.monotonic() - started) * 1000),
            )
        return response

"""NUL characters in a request's address or form fields are answered 400 before any view runs.

PostgreSQL's text types cannot hold a NUL (psycopg refuses to send one), so a `%00` in a filter, a
search or a form field that reached a query or an INSERT ended in a 500. No request of ours has a
reason to carry one. Bodies of other types (the JSON of the API and of payment callbacks) are not
read here: their views read the raw body themselves and check it.

Views that take input from outside callers and keep what arrived for inspection (the SMS provider's
callbacks, the API's request log) are marked `nul_bytes_exempt`: they keep a hostile request, NULs
shown, and refuse it themselves, which a 400 here would lose. The check runs once the view is known
(process_view) for that reason; an address that resolves to no view is Django's 404 and reaches nothing.
"""

import functools
from collections.abc import Callable
from typing import Any, TypeVar, cast

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest

from concierge.rawbody import NUL

FORM_CONTENT_TYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})


def _has_nul(data) -> bool:
    return any(NUL in key or any(NUL in value for value in values) for key, values in data.lists())


def request_has_nul(request: HttpRequest) -> bool:
    if NUL in request.path or _has_nul(request.GET):
        return True
    # request.POST is filled for POSTs of the form types only; reading it for another type would be
    # harmless but is skipped so that no other body is touched.
    return request.method == "POST" and request.content_type in FORM_CONTENT_TYPES and _has_nul(request.POST)


View = TypeVar("View", bound=Callable[..., Any])


def nul_bytes_exempt(view: View) -> View:
    """Leave NULs to this view: it checks its own input and keeps what a hostile caller sent."""

    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        return view(*args, **kwargs)

    wrapped.__dict__["nul_bytes_exempt"] = True
    return cast(View, wrapped)


class NulBytesMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        if getattr(view_func, "nul_bytes_exempt", False) or not request_has_nul(request):
            return None
        return HttpResponseBadRequest(
            "Bad request: the address or a form field contains a NUL character (%00), which nothing here accepts.",
            content_type="text/plain; charset=utf-8",
        )

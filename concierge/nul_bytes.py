"""NUL characters in a request's address or form fields are answered 400 before any view runs.

PostgreSQL's text types cannot hold a NUL (psycopg refuses to send one), so a `%00` in a filter, a
search or a form field that reached a query or an INSERT ended in a 500. No request of ours has a
reason to carry one. Bodies of other types (the JSON of the API and of payment callbacks) are not
read here: their views read the raw body themselves and check it.
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest

FORM_CONTENT_TYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})
NUL = "\x00"


def _has_nul(data) -> bool:
    return any(NUL in key or any(NUL in value for value in values) for key, values in data.lists())


def request_has_nul(request: HttpRequest) -> bool:
    if NUL in request.path or _has_nul(request.GET):
        return True
    # request.POST is filled for POSTs of the form types only; reading it for another type would be
    # harmless but is skipped so that no other body is touched.
    return request.method == "POST" and request.content_type in FORM_CONTENT_TYPES and _has_nul(request.POST)


class NulBytesMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request_has_nul(request):
            return HttpResponseBadRequest(
                "Bad request: the address or a form field contains a NUL character (%00), which nothing here accepts.",
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)

"""/api/v1/: the API, its OpenAPI 3.1 schema (/api/v1/openapi.json) and its browsable docs (/api/v1/docs,
Swagger UI from django-ninja's own static files: the page loads nothing from elsewhere)."""

from django.db import DataError, IntegrityError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError
from ninja.parser import Parser

from concierge.rawbody import loads_storable

from .auth import ApiKeyAuth, RateLimited
from .endpoints import clients, jobs, money, notifications, vehicles
from .writes import FormRefused


class StorableJsonParser(Parser):
    """JSON bodies as ninja reads them, but refused (ninja's 400 "Cannot parse request body") when
    PostgreSQL could not store a string of it: a lone surrogate ("\\ud800") fails the insert's UTF-8
    encoding, a 500 otherwise. NULs are left to the forms, which refuse them beside the field (422)."""

    def parse_body(self, request: HttpRequest) -> dict:
        return loads_storable(request.body, nul_allowed=True)


api = NinjaAPI(
    parser=StorableJsonParser(),
    title="Ndegwa Auto Concierge API",
    version="1",
    description="Clients, vehicles, service jobs, estimates, invoices, payments and notifications. "
    "Authenticate with `Authorization: Bearer <key>` (keys are made by a manager in the admin). "
    "See docs/api.md.",
    auth=ApiKeyAuth(),
    urls_namespace="api-v1",
    docs_url="/docs",
    openapi_url="/openapi.json",
)
for module in (clients, vehicles, jobs, money, notifications):
    api.add_router("/", module.router)


def _json(request: HttpRequest, data: dict, status: int) -> HttpResponse:
    return api.create_response(request, data, status=status)


@api.exception_handler(AuthenticationError)
def unauthorised(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = _json(request, {"detail": "Missing, unknown, expired or revoked API key."}, 401)
    response["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


@api.exception_handler(RateLimited)
def rate_limited(request: HttpRequest, exc: RateLimited) -> HttpResponse:
    response = _json(request, {"detail": f"Rate limit of {exc.limit} requests reached: retry after {exc.retry_after} s."}, 429)
    response["Retry-After"] = str(exc.retry_after)
    return response


@api.exception_handler(ValidationError)
def invalid_request(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    # pydantic's errors (a wrong type, a missing or unknown value), in the same shape as the forms'.
    errors = []
    for error in exc.errors:
        loc = [str(part) for part in error.get("loc", ())]
        # ("body", "payload", "email") / ("query", "limit"): the field is the last name after the source.
        field = loc[-1] if len(loc) > 1 and loc[-1] != "payload" else None
        errors.append({"field": field, "message": str(error.get("msg", "Invalid value."))})
    return _json(request, {"detail": "The request has invalid values.", "errors": errors}, 422)


@api.exception_handler(FormRefused)
def form_refused(request: HttpRequest, exc: FormRefused) -> HttpResponse:
    errors = [{"field": field, "message": message} for field, message in exc.errors]
    return _json(request, {"detail": "Not saved: see the errors by field.", "errors": errors}, 422)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _json(request, {"detail": "Not found."}, 404)


@api.exception_handler(IntegrityError)
def conflict(request: HttpRequest, exc: IntegrityError) -> HttpResponse:
    # A concurrent write took what this one checked as free (an email, a plate): nothing was saved.
    return _json(request, {"detail": "Not saved: it conflicts with a row written at the same time. Try again."}, 409)


@api.exception_handler(DataError)
def data_error(request: HttpRequest, exc: DataError) -> HttpResponse:
    return _json(request, {"detail": "The request has a value out of range.", "errors": []}, 422)

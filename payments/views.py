"""Daraja's callbacks. Not staff pages: the caller is Safaricom, authenticated by the secret in the
URL (MPESA_CALLBACK_SECRET; Daraja's callback settings take a URL, no headers), so CSRF does not apply
to these views alone. Every body is stored as received before it is processed."""

import hmac
import uuid
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from concierge.rawbody import loads_storable

from .models import REFUSALS, CallbackKind
from .services.mpesa import mpesa_callback_invalid, mpesa_stk_callback_receive
from .services.paybill import mpesa_c2b_confirmation_receive, mpesa_c2b_validate

# Daraja's acknowledgement; the body says nothing more to a caller.
ACCEPTED = {"ResultCode": 0, "ResultDesc": "Accepted"}
REFUSED = {"ResultCode": 1, "ResultDesc": "Rejected"}
MAX_BODY = 64 * 1024
# What _json returns for a body it could not read (None is a body: JSON's `null`).
UNREADABLE = object()


def _check_secret(secret: str) -> None:
    """A wrong, missing or unconfigured secret: the same bare 404 as any unknown address."""
    expected = settings.MPESA_CALLBACK_SECRET
    if not expected or not hmac.compare_digest(secret.encode(), expected.encode()):
        raise Http404


def _json(request: HttpRequest, kind: str) -> Any:
    """The parsed body, or UNREADABLE after keeping what came (cut to 4 KB, as text) as an invalid
    callback: even a body we cannot read, or could not store as JSON (a NUL, `1e400`), is kept for staff."""
    raw = request.body
    try:
        if len(raw) > MAX_BODY:
            raise ValueError
        body = loads_storable(raw)
        if body is None:  # the JSONField would write SQL NULL, which the column refuses: kept as text
            raise ValueError
        return body
    except ValueError:
        mpesa_callback_invalid(kind=kind, raw=raw)
        return UNREADABLE


@csrf_exempt
@require_POST
def stk_callback(request: HttpRequest, secret: str, request_id: uuid.UUID) -> HttpResponse:
    _check_secret(secret)
    body = _json(request, CallbackKind.STK)
    if body is UNREADABLE:
        return JsonResponse(REFUSED, status=400)
    callback = mpesa_stk_callback_receive(body=body, request_id=request_id)
    return JsonResponse(REFUSED if callback.outcome in REFUSALS else ACCEPTED,
                        status=400 if callback.outcome in REFUSALS else 200)


@csrf_exempt
@require_POST
def c2b_confirmation(request: HttpRequest, secret: str) -> HttpResponse:
    _check_secret(secret)
    body = _json(request, CallbackKind.C2B_CONFIRMATION)
    if body is UNREADABLE:
        return JsonResponse(REFUSED, status=400)
    callback = mpesa_c2b_confirmation_receive(body=body)
    # The money has moved already: an unmatched payment is accepted and kept for staff.
    return JsonResponse(REFUSED if callback.outcome in REFUSALS else ACCEPTED,
                        status=400 if callback.outcome in REFUSALS else 200)


@csrf_exempt
@require_POST
def c2b_validation(request: HttpRequest, secret: str) -> HttpResponse:
    _check_secret(secret)
    body = _json(request, CallbackKind.C2B_VALIDATION)
    if body is UNREADABLE:
        return JsonResponse({"ResultCode": "C2B00016", "ResultDesc": "Rejected"})
    return JsonResponse(mpesa_c2b_validate(body=body))

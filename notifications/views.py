"""The provider's callbacks (delivery reports, incoming texts). Not staff pages: the caller is Africa's
Talking, authenticated by the secret in the URL (AFRICASTALKING_CALLBACK_SECRET), so CSRF does not
apply to these views alone."""

import hmac

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from concierge.nul_bytes import nul_bytes_exempt

from .consent import inbound_message_receive
from .delivery_reports import delivery_report_receive
from .models import InboundOutcome, ReportOutcome


def _check_secret(secret: str) -> None:
    """A wrong, missing or unconfigured secret: the same bare 404 as any unknown address (nothing
    says an endpoint is there). Compared in constant time."""
    expected = settings.AFRICASTALKING_CALLBACK_SECRET
    if not expected or not hmac.compare_digest(secret.encode(), expected.encode()):
        raise Http404


@csrf_exempt
@nul_bytes_exempt  # kept with its NULs shown and refused by the view (notifications/tests/test_hostile_callbacks.py)
@require_POST
def africastalking_delivery_report(request: HttpRequest, secret: str) -> HttpResponse:
    _check_secret(secret)
    fields = {key: request.POST.get(key, "") for key in request.POST}
    report = delivery_report_receive(fields=fields)
    if report.outcome in (ReportOutcome.INVALID, ReportOutcome.PHONE_MISMATCH):
        # Kept for inspection, not applied; the provider hears that it was refused, without detail.
        return HttpResponseBadRequest("refused\n", content_type="text/plain")
    # Applied, unchanged, kept for an id not known yet, or kept for the sweeper: received either way.
    return HttpResponse("ok\n", content_type="text/plain")


@csrf_exempt
@nul_bytes_exempt  # a STOP with a NUL in it is still honoured
@require_POST
def africastalking_inbound_message(request: HttpRequest, secret: str) -> HttpResponse:
    """An owner's text to the shop's number (STOP, ONDOKA, START…): docs/notifications.md, "Opt-out,
    consent and quiet hours". A retry of one already received is answered the same, changing nothing."""
    _check_secret(secret)
    fields = {key: request.POST.get(key, "") for key in request.POST}
    message = inbound_message_receive(fields=fields)
    if message.outcome == InboundOutcome.INVALID:
        return HttpResponseBadRequest("refused\n", content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")

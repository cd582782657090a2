"""Hostile bodies at Africa's Talking's callback URLs (a garbled proxy, or whoever learnt the URL): NULs,
a 5000-digit phoneNumber, absurd fields. Never a 500: what is safe is recorded (an owner's STOP is
honoured even with a NUL after it; nothing of the text is stored), what is not is kept refused, with
NULs shown as \\u0000, and nothing is half-written."""

import secrets

import pytest
from django.urls import reverse

from clients.tests.factories import ClientFactory
from notifications.models import DeliveryReport, InboundMessage, InboundOutcome, PhoneConsent, ReportOutcome

pytestmark = pytest.mark.django_db

PHONE = "+254712345678"
LONG_NUMBER = "9" * 5000


@pytest.fixture
def secret(settings):
    settings.AFRICASTALKING_CALLBACK_SECRET = "Cb" + secrets.token_urlsafe(32)
    return settings.AFRICASTALKING_CALLBACK_SECRET


def _report(client, secret, **fields):
    url = reverse("notifications:africastalking-delivery-report", kwargs={"secret": secret})
    return client.post(url, {"id": "ATXid_1", "status": "Success", "phoneNumber": PHONE, **fields})


def _inbound(client, secret, **fields):
    url = reverse("notifications:africastalking-inbound", kwargs={"secret": secret})
    return client.post(url, {"id": "in-1", "from": PHONE, "to": "20880", "text": "STOP", "date": "2026-12-04",
                             **fields})


@pytest.mark.parametrize("fields", [
    {"id": "ATXid\x00_1"}, {"status": "Succ\x00ess"}, {"phoneNumber": "+2547\x0012345678"},
    {"failureReason": "\x00" * 10}, {"networkCode\x00": "1"}, {"phoneNumber": LONG_NUMBER},
    {"phoneNumber": "+" + LONG_NUMBER}, {"id": "x" * 5000}, {"failureReason": "y" * 5000},
    {"status": "S" * 5000}, {"retryCount": "9" * 5000},
], ids=lambda f: repr(f)[:40])
def test_a_hostile_delivery_report_is_kept_and_refused(client, secret, fields):
    response = _report(client, secret, **fields)
    assert response.status_code in (200, 400)
    report = DeliveryReport.objects.get()
    assert report.processed_at is not None and len(report.phone_masked) <= 20
    if any("\x00" in key + value for key, value in fields.items()) or fields.get("phoneNumber") or fields.get("id"):
        assert response.status_code == 400 and report.outcome == ReportOutcome.INVALID
    assert "\x00" not in str(report.fields)


def test_a_nul_in_a_delivery_report_is_kept_shown(client, secret):
    _report(client, secret, failureReason="bad\x00reason")
    report = DeliveryReport.objects.get()
    assert report.fields["failureReason"] == "bad\\u0000reason" and report.outcome == ReportOutcome.INVALID


@pytest.mark.parametrize("fields", [
    {"id": "in\x00-1"}, {"from": "+2547\x0012345678"}, {"from": LONG_NUMBER}, {"from": "+" + LONG_NUMBER},
    {"id": "i" * 5000},
], ids=lambda f: repr(f)[:40])
def test_an_inbound_text_from_no_usable_number_or_id_is_kept_refused(client, secret, fields):
    ClientFactory(phone=PHONE)
    response = _inbound(client, secret, **fields)
    assert response.status_code == 400
    message = InboundMessage.objects.get()
    assert message.outcome == InboundOutcome.INVALID and len(message.phone_masked) <= 20
    assert not PhoneConsent.objects.exists()


@pytest.mark.parametrize("fields", [
    {"text": "STOP\x00please"}, {"text": "\x00ONDOKA"}, {"to": "2\x0088" * 2000}, {"linkId": "\x00" * 5000},
    {"date": "\x00" * 50}, {"text": "STOP " + "\x00" * 100_000},
], ids=lambda f: repr(f)[:40])
def test_an_opt_out_with_odd_fields_is_honoured_and_kept_without_nuls(client, secret, fields):
    ClientFactory(phone=PHONE)
    response = _inbound(client, secret, **fields)
    assert response.status_code == 200
    message = InboundMessage.objects.get()
    assert message.outcome == InboundOutcome.OPTED_OUT
    assert PhoneConsent.objects.get().opted_out
    assert "\x00" not in message.to + message.link_id + message.provider_date

"""Delivery reports over real HTTP: the app sends a text through the fake Africa's Talking, which then
posts its delivery reports to the app's callback URL (a live server), as the provider does."""

import logging
import secrets

import pytest
from django.urls import reverse

from concierge.accounts.tests.factories import login_verified
from notifications.models import DeliveryReport, DeliveryState, Notification, NotificationStatus, ReportOutcome
from notifications.services import notification_deliver
from notifications.tests.factories import NotificationFactory
from notifications.tests.fake_provider import FakeAfricasTalking

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = "+254712345678"


def new_secret():
    return "Dlr" + secrets.token_urlsafe(32)


@pytest.fixture
def secret(settings):
    settings.AFRICASTALKING_CALLBACK_SECRET = new_secret()
    return settings.AFRICASTALKING_CALLBACK_SECRET


@pytest.fixture
def callback_url(live_server, secret):
    return live_server.url + reverse("notifications:africastalking-delivery-report", kwargs={"secret": secret})


@pytest.fixture
def provider_for(settings, callback_url):
    """A fake Africa's Talking that reports to the app; the app sends through it."""
    started = []

    def start(*reports, **options):
        fake = FakeAfricasTalking(delivery_report_url=callback_url, delivery_reports=reports, hold_reports=True,
                                  **options).__enter__()
        started.append(fake)
        settings.SMS_BACKEND = "notifications.backends.africastalking.AfricasTalkingSMSBackend"
        settings.AFRICASTALKING_USERNAME, settings.AFRICASTALKING_API_KEY = "ndegwa", fake.api_key
        settings.AFRICASTALKING_BASE_URL, settings.AFRICASTALKING_TIMEOUT = fake.base_url, 5
        return fake

    yield start
    for fake in started:
        fake.__exit__()


def text(phone=PHONE):
    return NotificationFactory(status=NotificationStatus.PENDING, sent_at=None, service__vehicle__client__phone=phone)


def send_and_report(provider, note, count):
    """Send it (the provider takes it), then let the provider's reports come; returns them answered."""
    assert notification_deliver(notification_id=note.pk).status == "sent"
    provider.release_reports()
    answered = provider.wait_for_reports(count)
    note.refresh_from_db()
    return answered


@pytest.mark.parametrize("final, reason, state", [
    ("Success", None, DeliveryState.DELIVERED),
    ("Failed", "InsufficientCredit", DeliveryState.FAILED),
    ("Failed", "AbsentSubscriber", DeliveryState.FAILED),
    ("Rejected", "UserInBlackList", DeliveryState.FAILED),
])
def test_each_final_report_records_the_delivery_state_and_reason(provider_for, final, reason, state):
    provider = provider_for(("Sent", None), ("Submitted", None), (final, reason))
    note = text()
    answered = send_and_report(provider, note, 3)

    assert [code for _, code in answered] == [200, 200, 200]
    assert note.status == NotificationStatus.SENT  # the provider took it: that stays what `sent` says
    assert (note.delivery_state, note.delivery_status, note.delivery_reason) == (state, final, reason or "")
    reports = DeliveryReport.objects.order_by("received_at")
    assert [(r.status, r.outcome, r.notification_id) for r in reports] == [
        ("Sent", ReportOutcome.APPLIED, note.pk), ("Submitted", ReportOutcome.APPLIED, note.pk),
        (final, ReportOutcome.APPLIED, note.pk),
    ]


@pytest.mark.parametrize("last", ["Sent", "Submitted", "Buffered"])
def test_intermediate_reports_leave_the_text_pending_at_the_network(provider_for, last):
    provider = provider_for(*[(status, None) for status in ("Sent", "Submitted", "Buffered") if status != last],
                            (last, None))
    note = text()
    send_and_report(provider, note, 3)
    assert (note.delivery_state, note.delivery_status) == (DeliveryState.PENDING, last)


def test_an_intermediate_report_arriving_after_the_final_one_changes_nothing(provider_for):
    provider = provider_for(("Success", None), ("Buffered", None))
    note = text()
    send_and_report(provider, note, 2)
    assert (note.delivery_state, note.delivery_status) == (DeliveryState.DELIVERED, "Success")
    assert DeliveryReport.objects.get(status="Buffered").outcome == ReportOutcome.UNCHANGED


def test_a_duplicate_report_changes_nothing_the_second_time(provider_for):
    provider = provider_for(("Failed", "DeliveryFailure"), ("Failed", "DeliveryFailure"))
    note = text()
    send_and_report(provider, note, 2)
    first_reported_at = note.delivery_reported_at
    assert (note.delivery_state, note.delivery_reason) == (DeliveryState.FAILED, "DeliveryFailure")
    assert [r.outcome for r in DeliveryReport.objects.order_by("received_at")] == [
        ReportOutcome.APPLIED, ReportOutcome.UNCHANGED,
    ]
    assert Notification.objects.get(pk=note.pk).delivery_reported_at == first_reported_at


def test_a_report_for_an_unknown_id_is_kept_and_shown_to_staff(provider_for, client, superuser):
    provider = provider_for()
    assert provider.post_report(message_id="ATXid_nobody", status="Success", phone=PHONE) == 200
    report = DeliveryReport.objects.get()
    assert (report.provider_message_id, report.outcome) == ("ATXid_nobody", ReportOutcome.UNKNOWN_ID)
    assert PHONE not in str(report.fields) and report.phone_masked == "+2547******78"

    login_verified(client, superuser)
    page = client.get(reverse("admin:notifications_deliveryreport_changelist"),
                      {"outcome__exact": ReportOutcome.UNKNOWN_ID})
    assert list(page.context["cl"].queryset) == [report]
    assert "ATXid_nobody" in page.content.decode()


def test_a_report_that_overtakes_the_send_is_applied_when_the_id_is_recorded(provider_for):
    provider = provider_for()
    note = text()
    # The fake's first message id: the report comes before the worker has recorded it.
    assert provider.post_report(message_id="ATXid_1", status="Success", phone=PHONE) == 200
    assert DeliveryReport.objects.get().outcome == ReportOutcome.UNKNOWN_ID

    assert notification_deliver(notification_id=note.pk).status == "sent"
    note.refresh_from_db()
    assert (note.provider_message_id, note.delivery_state) == ("ATXid_1", DeliveryState.DELIVERED)
    assert DeliveryReport.objects.get().outcome == ReportOutcome.APPLIED


def test_reports_racing_the_send_end_in_the_same_state(provider_for):
    # Not held: the reports may reach the app before or after it records the id.
    provider = provider_for(("Sent", None), ("Success", None))
    provider._reports_go.set()
    note = text()
    assert notification_deliver(notification_id=note.pk).status == "sent"
    provider.wait_for_reports(2)
    note.refresh_from_db()
    assert note.delivery_state == DeliveryState.DELIVERED


def test_a_wrong_or_missing_secret_is_a_bare_404_and_nothing_is_stored(provider_for, live_server, secret):
    provider = provider_for()
    wrong = live_server.url + reverse("notifications:africastalking-delivery-report",
                                      kwargs={"secret": new_secret()})
    assert provider.post_report(message_id="ATXid_1", status="Success", phone=PHONE, url=wrong) == 404
    assert provider.post_report(message_id="ATXid_1", status="Success", phone=PHONE,
                                url=live_server.url + "/callbacks/africastalking/delivery-reports/") == 404
    assert DeliveryReport.objects.count() == 0


def test_no_secret_configured_turns_the_endpoint_off(provider_for, callback_url, settings):
    provider = provider_for()
    settings.AFRICASTALKING_CALLBACK_SECRET = ""
    assert provider.post_report(message_id="ATXid_1", status="Success", phone=PHONE, url=callback_url) == 404
    assert DeliveryReport.objects.count() == 0


def test_only_post_is_answered(client, callback_url, live_server):
    path = callback_url.removeprefix(live_server.url)
    assert client.get(path).status_code == 405
    assert DeliveryReport.objects.count() == 0


def test_the_endpoint_needs_no_csrf_token(callback_url, live_server):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post(callback_url.removeprefix(live_server.url),
                           {"id": "ATXid_9", "status": "Sent", "phoneNumber": PHONE})
    assert response.status_code == 200


def test_a_report_with_an_unknown_status_is_kept_refused_and_not_applied(provider_for):
    provider = provider_for(("Delivered", None))
    note = text()
    answered = send_and_report(provider, note, 1)
    assert answered[0][1] == 400
    assert note.delivery_state == ""
    report = DeliveryReport.objects.get()
    assert (report.status, report.outcome, report.detail) == ("Delivered", ReportOutcome.INVALID, "unknown status")


def test_a_report_without_an_id_is_kept_and_refused(provider_for):
    provider = provider_for()
    assert provider.post_report(message_id="", status="Success", phone=PHONE) == 400
    assert DeliveryReport.objects.get().outcome == ReportOutcome.INVALID


def test_a_report_naming_another_phone_is_not_applied_and_the_number_is_not_logged(provider_for, caplog):
    provider = provider_for()
    note = text()
    assert notification_deliver(notification_id=note.pk).status == "sent"
    note.refresh_from_db()
    with caplog.at_level(logging.DEBUG):
        code = provider.post_report(message_id=note.provider_message_id, status="Success", phone="+254799000111")
    assert code == 400
    note.refresh_from_db()
    assert note.delivery_state == ""
    assert DeliveryReport.objects.get().outcome == ReportOutcome.PHONE_MISMATCH
    assert "delivery report" in caplog.text  # the warning was logged, without the number
    assert "799000111" not in caplog.text and "712345678" not in caplog.text


def test_the_phone_number_matches_in_any_spelling_of_it(provider_for):
    # Stored +254712345678; the report may spell it 254712345678 or 0712345678: the same keyed hash.
    provider = provider_for()
    note = text()
    assert notification_deliver(notification_id=note.pk).status == "sent"
    note.refresh_from_db()
    assert provider.post_report(message_id=note.provider_message_id, status="Success", phone="0712 345 678") == 200
    note.refresh_from_db()
    assert note.delivery_state == DeliveryState.DELIVERED

"""The rules a delivery report follows, one test each (docs/notifications.md, "Delivery reports")."""

import pytest
from django.db import connection

from notifications.delivery_reports import (
    delivery_report_process,
    delivery_report_receive,
    delivery_report_store,
    delivery_reports_process_pending,
    delivery_state_may_follow,
    delivery_state_of,
)
from notifications.models import DeliveryReport, DeliveryState, Notification, ReportOutcome
from notifications.tasks import sweep_notifications
from notifications.tests.factories import NotificationFactory

pytestmark = pytest.mark.django_db
PHONE = "+254712345678"


@pytest.fixture
def note():
    return NotificationFactory(provider_message_id="ATXid_42", service__vehicle__client__phone=PHONE)


def report(status, reason="", message_id="ATXid_42", phone=PHONE):
    fields = {"id": message_id, "status": status, "phoneNumber": phone, "networkCode": "63902", "retryCount": "0"}
    if reason:
        fields["failureReason"] = reason
    return delivery_report_receive(fields=fields)


def state(note):
    fresh = Notification.objects.get(pk=note.pk)
    return fresh.delivery_state, fresh.delivery_status, fresh.delivery_reason


@pytest.mark.parametrize("status, expected", [
    ("Sent", DeliveryState.PENDING), ("Submitted", DeliveryState.PENDING), ("Buffered", DeliveryState.PENDING),
    ("Success", DeliveryState.DELIVERED), ("Failed", DeliveryState.FAILED), ("Rejected", DeliveryState.FAILED),
])
def test_each_provider_status_means_one_delivery_state(status, expected):
    assert delivery_state_of(status) == expected


@pytest.mark.parametrize("current, new, allowed", [
    ("", DeliveryState.PENDING, True), ("", DeliveryState.DELIVERED, True), ("", DeliveryState.FAILED, True),
    (DeliveryState.PENDING, DeliveryState.PENDING, True), (DeliveryState.PENDING, DeliveryState.DELIVERED, True),
    (DeliveryState.PENDING, DeliveryState.FAILED, True),
    (DeliveryState.DELIVERED, DeliveryState.PENDING, False), (DeliveryState.FAILED, DeliveryState.PENDING, False),
    (DeliveryState.DELIVERED, DeliveryState.FAILED, False), (DeliveryState.FAILED, DeliveryState.DELIVERED, False),
])
def test_only_a_state_that_is_not_final_moves(current, new, allowed):
    assert delivery_state_may_follow(current=current, new=new) is allowed


def test_a_final_report_wins_over_an_intermediate_one(note):
    report("Buffered")
    report("Success")
    assert state(note) == (DeliveryState.DELIVERED, "Success", "")


def test_an_intermediate_report_never_overwrites_a_final_one(note):
    report("Failed", "UserIsInactive")
    late = report("Submitted")
    assert state(note) == (DeliveryState.FAILED, "Failed", "UserIsInactive")
    assert late.outcome == ReportOutcome.UNCHANGED


def test_the_first_final_report_stands(note):
    report("Rejected", "UserInBlackList")
    report("Success")
    assert state(note) == (DeliveryState.FAILED, "Rejected", "UserInBlackList")


def test_the_same_report_twice_changes_nothing_the_second_time(note):
    first = report("Sent")
    Notification.objects.filter(pk=note.pk).update(delivery_reported_at="2026-01-01T00:00:00Z")
    second = report("Sent")
    assert (first.outcome, second.outcome) == (ReportOutcome.APPLIED, ReportOutcome.UNCHANGED)
    assert Notification.objects.get(pk=note.pk).delivery_reported_at.year == 2026
    assert Notification.objects.get(pk=note.pk).delivery_reported_at.month == 1


def test_processing_a_stored_report_again_changes_nothing(note):
    stored = report("Success")
    assert delivery_report_process(report=stored) == ReportOutcome.UNCHANGED
    assert state(note) == (DeliveryState.DELIVERED, "Success", "")


def test_a_success_keeps_no_failure_reason(note):
    report("Success", "DeliveryFailure")
    assert state(note) == (DeliveryState.DELIVERED, "Success", "")


def test_a_report_is_stored_before_it_is_processed_and_the_sweeper_applies_it(note):
    stored = delivery_report_store(fields={"id": "ATXid_42", "status": "Success", "phoneNumber": PHONE})
    assert DeliveryReport.objects.get(pk=stored.pk).processed_at is None
    assert state(note) == ("", "", "")
    assert delivery_reports_process_pending() == 1
    assert state(note) == (DeliveryState.DELIVERED, "Success", "")
    assert delivery_reports_process_pending() == 0


@pytest.mark.owner_role  # ALTER TABLE is the owner's
@pytest.mark.django_db(transaction=True)
def test_a_report_whose_processing_fails_is_kept_for_the_sweeper(note):
    # The database refuses the notification's update (a check that no report can pass, standing for
    # any failure while applying): the report stays stored, unprocessed.
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE notifications ADD CONSTRAINT test_refuse_reports "
                       "CHECK (delivery_state = '')")
    try:
        kept = report("Success")
        sweep_notifications()  # still failing: the sweep logs it and goes on, the report stays
    finally:
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE notifications DROP CONSTRAINT test_refuse_reports")
    assert DeliveryReport.objects.get(pk=kept.pk).processed_at is None
    assert state(note) == ("", "", "")
    sweep_notifications()  # beat's notification sweep applies it
    assert state(note) == (DeliveryState.DELIVERED, "Success", "")
    assert DeliveryReport.objects.get(pk=kept.pk).outcome == ReportOutcome.APPLIED


def test_the_phone_is_kept_as_its_keyed_hash_and_masked(note):
    stored = report("Success")
    fresh = DeliveryReport.objects.get(pk=stored.pk)
    assert fresh.phone_hash == note.client.phone_hash
    assert PHONE not in str(fresh.fields) and PHONE not in fresh.phone_masked
    assert fresh.fields["networkCode"] == "63902"


def test_a_resent_message_starts_with_no_delivery_state(note):
    from notifications.models import NotificationStatus
    from notifications.services import notification_retry

    Notification.objects.filter(pk=note.pk).update(status=NotificationStatus.FAILED, delivery_state="failed",
                                                   delivery_reason="AbsentSubscriber")
    assert notification_retry(notification=Notification.objects.get(pk=note.pk))
    assert state(note) == ("", "", "")
    assert Notification.objects.get(pk=note.pk).provider_message_id == ""

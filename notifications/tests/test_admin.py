"""Staff see uncertain deliveries with their reason and resend them deliberately: a confirmation page,
then one resend; a second press (or a stale page submitted again) sends nothing."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from concierge.accounts.tests.factories import login_verified
from notifications.models import Notification, NotificationStatus
from notifications.services import uncertain_reason
from notifications.tests.factories import NotificationFactory

pytestmark = pytest.mark.django_db
CHANGELIST = "admin:notifications_notification_changelist"


@pytest.fixture
def staff(client, superuser):
    login_verified(client, superuser)
    return client


@pytest.fixture
def uncertain():
    return NotificationFactory(status=NotificationStatus.FAILED, delivery_uncertain=True, sent_at=None,
                               error=uncertain_reason("no answer from Africa's Talking (timed out)"))


@pytest.fixture
def published(redis_server):
    """The notification ids waiting in the real queue for deliver_notification, oldest first (a Redis of
    the test's own is the broker)."""
    from notifications import tasks
    from concierge.processes import queued_args

    return lambda: [args[0] for args in queued_args(redis_server, tasks.deliver_notification)]


def action(staff, name, rows, **extra):
    return staff.post(reverse(CHANGELIST), {"action": name, "_selected_action": [str(n.pk) for n in rows], **extra})


def test_the_list_filters_uncertain_rows_and_shows_why(staff, uncertain):
    NotificationFactory(status=NotificationStatus.FAILED, error="Africa's Talking refused: 403 InvalidPhoneNumber")
    page = staff.get(reverse(CHANGELIST), {"delivery_uncertain__exact": "1"})
    assert list(page.context["cl"].queryset) == [uncertain]
    assert "delivery uncertain: no answer from Africa&#x27;s Talking (timed out)" in page.content.decode()


def test_resending_asks_first_then_sends_once_and_a_second_press_does_nothing(
    staff, uncertain, published, django_capture_on_commit_callbacks,
):
    confirm = action(staff, "resend_uncertain", [uncertain])
    assert confirm.status_code == 200
    assert "may receive it twice" in " ".join(confirm.content.decode().split())
    uncertain.refresh_from_db()
    assert uncertain.delivery_uncertain and published() == []  # asking changed nothing

    with django_capture_on_commit_callbacks(execute=True):
        first = action(staff, "resend_uncertain", [uncertain], post="yes")
        second = action(staff, "resend_uncertain", [uncertain], post="yes")
    assert first.status_code == second.status_code == 302
    assert published() == [str(uncertain.pk)]
    uncertain.refresh_from_db()
    assert (uncertain.status, uncertain.delivery_uncertain) == (NotificationStatus.PENDING, False)
    said = [str(m) for m in get_messages(second.wsgi_request)]
    assert any("Nothing resent" in m for m in said)


def test_the_plain_retry_action_leaves_uncertain_rows_alone(staff, uncertain, published, django_capture_on_commit_callbacks):
    refused = NotificationFactory(status=NotificationStatus.FAILED, error="Africa's Talking refused: 405 InsufficientBalance")
    with django_capture_on_commit_callbacks(execute=True):
        response = action(staff, "retry_failed", [uncertain, refused])
    assert published() == [str(refused.pk)]
    assert Notification.objects.get(pk=uncertain.pk).delivery_uncertain
    assert any("uncertain notification(s) left alone" in str(m) for m in get_messages(response.wsgi_request))


def test_the_list_filters_delivered_and_not_delivered(staff):
    from notifications.models import DeliveryState

    delivered = NotificationFactory(delivery_state=DeliveryState.DELIVERED, delivery_status="Success")
    network_failed = NotificationFactory(delivery_state=DeliveryState.FAILED, delivery_status="Failed",
                                         delivery_reason="AbsentSubscriber")
    refused = NotificationFactory(status=NotificationStatus.FAILED, sent_at=None,
                                  error="Africa's Talking refused: 403 InvalidPhoneNumber")
    at_network = NotificationFactory(delivery_state=DeliveryState.PENDING, delivery_status="Buffered")
    unreported = NotificationFactory()

    def listed(value):
        page = staff.get(reverse(CHANGELIST), {"delivered": value})
        assert page.status_code == 200
        return set(page.context["cl"].queryset)

    assert listed("yes") == {delivered}
    assert listed("no") == {network_failed, refused}
    assert listed("awaiting") == {at_network, unreported}
    assert "AbsentSubscriber" in staff.get(reverse(CHANGELIST), {"delivered": "no"}).content.decode()


def test_delivery_reports_are_kept_as_received_no_one_adds_changes_or_deletes_them(staff):
    from notifications.delivery_reports import delivery_report_store

    report = delivery_report_store(fields={"id": "ATXid_1", "status": "Success", "phoneNumber": "+254712345678"})
    assert staff.get(reverse("admin:notifications_deliveryreport_add")).status_code == 403
    change = reverse("admin:notifications_deliveryreport_change", args=[report.pk])
    assert staff.post(change, {"status": "Failed"}).status_code == 403
    assert staff.post(reverse("admin:notifications_deliveryreport_delete", args=[report.pk]), {"post": "yes"}).status_code == 403
    page = staff.get(reverse("admin:notifications_deliveryreport_changelist"))
    assert page.status_code == 200 and "action-select" not in page.content.decode()  # no bulk delete
    report.refresh_from_db()
    assert report.status == "Success"


def test_the_list_filters_by_the_language_a_message_was_sent_in(staff):
    swahili, english = NotificationFactory(language="sw"), NotificationFactory(language="en")
    page = staff.get(reverse(CHANGELIST), {"language": "sw"})
    assert page.status_code == 200 and set(page.context["cl"].queryset) == {swahili}
    assert english not in set(staff.get(reverse(CHANGELIST), {"language": "sw"}).context["cl"].queryset)

"""Portal links go out through the notification channels: a pending Notification, queued after commit."""

import pytest
from django.db import transaction

from clients.portal.delivery import send_sign_in_link, send_status_link
from clients.portal.models import PortalToken
from clients.tests.factories import ClientFactory
from notifications import tasks
from notifications.models import Notification, NotificationStatus, NotificationType
from notifications.tests.conftest import redis_server  # noqa: F401
from notifications.tests.sent import text_as_sent
from servicing.tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(redis_server):  # noqa: F811
    """The notification ids waiting in the real queue for deliver_notification, oldest first (a Redis of
    the test's own is the broker)."""
    from concierge.processes import queued_args

    return lambda: [args[0] for args in queued_args(redis_server, tasks.deliver_notification)]


def test_the_sign_in_notification_is_pending_and_its_link_is_made_only_when_sent(settings):
    settings.PORTAL_BASE_URL = "https://x.example"
    owner = ClientFactory()

    notification = send_sign_in_link(client=owner, channel=NotificationType.EMAIL)

    notification.refresh_from_db()
    assert (notification.client, notification.channel, notification.status) == (
        owner, NotificationType.EMAIL, NotificationStatus.PENDING)
    assert notification.message.endswith(": [sign-in link]") and "x.example" not in notification.message
    assert notification.sent_at is None and not PortalToken.objects.exists()
    assert "https://x.example/portal/sign-in/" in text_as_sent(notification)
    assert PortalToken.objects.get().client == owner


def test_it_is_handed_to_the_delivery_task_only_after_commit(published, django_capture_on_commit_callbacks):
    owner = ClientFactory()

    with django_capture_on_commit_callbacks(execute=True):
        notification = send_sign_in_link(client=owner, channel=NotificationType.SMS)
        assert published() == []

    assert published() == [str(notification.pk)]


def test_a_rolled_back_request_queues_nothing_and_leaves_no_row(published, django_capture_on_commit_callbacks):
    owner = ClientFactory()

    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            send_sign_in_link(client=owner, channel=NotificationType.SMS)
            raise RuntimeError("the request failed after the link was written")

    assert published() == [] and not Notification.objects.exists()


def test_a_status_link_message_names_the_service_and_goes_to_its_owner(published, django_capture_on_commit_callbacks):
    job = ServiceFactory(service_type="Clutch plate")

    with django_capture_on_commit_callbacks(execute=True):
        notification = send_status_link(service=job, channel=NotificationType.SMS)

    assert notification.client == job.vehicle.client and notification.service == job
    assert "Clutch plate" in notification.message and notification.message.endswith(": [status link]")
    assert published() == [str(notification.pk)]
    assert "/s/" in text_as_sent(notification)


def test_each_attempt_makes_a_fresh_link_and_the_stored_text_never_changes():
    job = ServiceFactory()
    notification = send_status_link(service=job, channel=NotificationType.SMS)
    first = text_as_sent(notification)
    Notification.objects.filter(pk=notification.pk).update(status=NotificationStatus.PENDING, claimed_at=None)
    second = text_as_sent(notification)
    assert first != second and PortalToken.objects.filter(service=job).count() == 2
    notification.refresh_from_db()
    assert notification.message.endswith(": [status link]")


def test_portal_links_go_in_the_clients_language_whatever_language_asked():
    from django.utils import translation

    from clients.portal.delivery import send_sign_in_link

    job = ServiceFactory(service_type="Clutch plate", vehicle__license_plate="KDC 789D",
                         vehicle__client__preferred_language="sw")
    with translation.override("en"):  # a staff member's admin page, or a worker
        status = send_status_link(service=job, channel=NotificationType.SMS)
        sign_in = send_sign_in_link(client=job.vehicle.client, channel=NotificationType.SMS)

    assert (status.message, status.language) == ("Fuatilia Clutch plate ya gari KDC 789D hapa: [status link]", "sw")
    assert sign_in.message.startswith("Kiungo chako cha kuingia") and sign_in.language == "sw"

"""Portal links go out through the notification channels: a pending Notification, queued after commit."""

import pytest
from django.db import transaction

from clients.portal.delivery import send_sign_in_link, send_status_link
from clients.tests.factories import ClientFactory
from notifications import tasks
from notifications.models import Notification, NotificationStatus, NotificationType
from servicing.tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(monkeypatch):
    """What reaches the broker for deliver_notification (Celery's publish, recorded instead of sent)."""
    sent = []
    monkeypatch.setattr(tasks.deliver_notification, "apply_async", lambda args, **kw: sent.append(args[0]))
    return sent


def test_the_sign_in_notification_is_pending_and_carries_the_link():
    owner = ClientFactory()

    notification = send_sign_in_link(client=owner, channel=NotificationType.EMAIL, url="https://x.example/portal/sign-in/t/")

    notification.refresh_from_db()
    assert (notification.client, notification.channel, notification.status) == (
        owner, NotificationType.EMAIL, NotificationStatus.PENDING)
    assert "https://x.example/portal/sign-in/t/" in notification.message
    assert notification.sent_at is None


def test_it_is_handed_to_the_delivery_task_only_after_commit(published, django_capture_on_commit_callbacks):
    owner = ClientFactory()

    with django_capture_on_commit_callbacks(execute=True):
        notification = send_sign_in_link(client=owner, channel=NotificationType.SMS, url="https://x.example/l/")
        assert published == []

    assert published == [str(notification.pk)]


def test_a_rolled_back_request_queues_nothing_and_leaves_no_row(published, django_capture_on_commit_callbacks):
    owner = ClientFactory()

    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            send_sign_in_link(client=owner, channel=NotificationType.SMS, url="https://x.example/l/")
            raise RuntimeError("the request failed after the link was written")

    assert published == [] and not Notification.objects.exists()


def test_a_status_link_message_names_the_service_and_goes_to_its_owner(published, django_capture_on_commit_callbacks):
    job = ServiceFactory(service_type="Clutch plate")

    with django_capture_on_commit_callbacks(execute=True):
        notification = send_status_link(service=job, channel=NotificationType.SMS, url="https://x.example/portal/s/t/")

    assert notification.client == job.vehicle.client and notification.service == job
    assert "Clutch plate" in notification.message and "https://x.example/portal/s/t/" in notification.message
    assert published == [str(notification.pk)]

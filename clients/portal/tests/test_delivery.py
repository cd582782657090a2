"""The hand-off to issue #4's delivery task: a pending Notification now, the task after commit."""

import sys
import types

import pytest

from clients.portal.delivery import send_sign_in_link, send_status_link
from clients.tests.factories import ClientFactory
from notifications.models import Notification, NotificationStatus, NotificationType
from servicing.tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db


class _StandInTask:
    """Stands in for notifications.tasks.deliver_notification, which issue #4 writes."""

    def __init__(self):
        self.delayed = []

    def delay(self, notification_id):
        self.delayed.append(notification_id)


@pytest.fixture
def stand_in_task(monkeypatch):
    task = _StandInTask()
    monkeypatch.setitem(sys.modules, "notifications.tasks", types.SimpleNamespace(deliver_notification=task))
    return task


def test_the_sign_in_notification_is_pending_and_carries_the_link():
    owner = ClientFactory()

    notification = send_sign_in_link(client=owner, channel=NotificationType.EMAIL, url="https://x.example/portal/sign-in/t/")

    notification.refresh_from_db()
    assert (notification.client, notification.channel, notification.status) == (
        owner, NotificationType.EMAIL, NotificationStatus.PENDING)
    assert "https://x.example/portal/sign-in/t/" in notification.message
    assert notification.sent_at is None


def test_it_is_handed_to_the_delivery_task_only_after_commit(stand_in_task, django_capture_on_commit_callbacks):
    owner = ClientFactory()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        notification = send_sign_in_link(client=owner, channel=NotificationType.SMS, url="https://x.example/l/")
        assert stand_in_task.delayed == []

    assert len(callbacks) == 1
    assert stand_in_task.delayed == [str(notification.pk)]


def test_without_the_delivery_task_the_notification_just_stays_pending(monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.setitem(sys.modules, "notifications.tasks", None)  # import fails, as before issue #4 lands
    owner = ClientFactory()  # outside the block: creating a client queues its own client_created event

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        send_sign_in_link(client=owner, channel=NotificationType.SMS, url="https://x.example/l/")

    assert callbacks == []
    assert Notification.objects.get().status == NotificationStatus.PENDING


def test_a_status_link_message_names_the_service_and_goes_to_its_owner(stand_in_task, django_capture_on_commit_callbacks):
    job = ServiceFactory(service_type="Clutch plate")

    with django_capture_on_commit_callbacks(execute=True):
        notification = send_status_link(service=job, channel=NotificationType.SMS, url="https://x.example/portal/s/t/")

    assert notification.client == job.vehicle.client and notification.service == job
    assert "Clutch plate" in notification.message and "https://x.example/portal/s/t/" in notification.message
    assert stand_in_task.delayed == [str(notification.pk)]

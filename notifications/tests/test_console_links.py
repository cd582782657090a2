"""`make run`: the worker's console backends print a sign-in link whole, so a developer can open it;
the stored message still holds only its placeholder."""

import re

import pytest

from clients.portal.delivery import send_sign_in_link
from clients.tests.factories import ClientFactory
from concierge.processes import wait_until
from notifications.models import Notification, NotificationStatus, NotificationType

pytestmark = pytest.mark.django_db(transaction=True)

LINK = re.compile(r"/portal/sign-in/([A-Za-z0-9_-]{32,})/")


def test_the_worker_prints_sign_in_links_whole_by_sms_and_email(start_celery):
    worker = start_celery(
        "worker",
        TEST_SMS_BACKEND="notifications.backends.sms.ConsoleSMSBackend",
        TEST_EMAIL_BACKEND="notifications.backends.email.ConsoleEmailBackend",
    )
    client = ClientFactory(phone="+254722000444", email="achieng@example.co.ke")
    by_sms = send_sign_in_link(client=client, channel=NotificationType.SMS)
    by_email = send_sign_in_link(client=client, channel=NotificationType.EMAIL)

    assert wait_until(lambda: Notification.objects.filter(
        pk__in=[by_sms.pk, by_email.pk], status=NotificationStatus.SENT).count() == 2, timeout=20)
    assert wait_until(lambda: len(LINK.findall(worker.log.read_text(errors="replace"))) >= 2, timeout=5), (
        worker.log.read_text(errors="replace")[-3000:])
    printed = worker.log.read_text(errors="replace")
    assert "[token]" not in printed
    for notification in Notification.objects.filter(pk__in=[by_sms.pk, by_email.pk]):
        assert "[sign-in link]" in notification.message and not LINK.search(notification.message)

"""End to end with a real Celery worker process and real Redis: a job completed here produces the
workflow's notifications, delivered by the worker to the (fake) Africa's Talking server."""

import time

import pytest
from django.urls import reverse

from concierge.accounts.tests.factories import login_verified
from concierge.workflows.defaults import install_default_workflows
from notifications.models import Notification, NotificationStatus, NotificationType
from concierge.processes import wait_until
from servicing.models import ServiceStatus
from servicing.services import service_complete
from servicing.tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_completing_a_job_in_the_admin_sends_the_workflows_sms_and_in_app_within_seconds(
    start_celery, sms_provider, client, superuser,
):
    install_default_workflows()
    service = ServiceFactory(status=ServiceStatus.IN_PROGRESS, vehicle__license_plate="KDE 321F",
                             vehicle__client__phone="+254722000333", vehicle__client__first_name="Achieng")
    start_celery("worker")
    login_verified(client, superuser)

    started = time.monotonic()
    response = client.post(reverse("admin:servicing_service_changelist"), {
        "action": "complete_selected", "_selected_action": [str(service.pk)],
    })
    assert response.status_code == 302
    assert wait_until(lambda: Notification.objects.filter(service=service, status=NotificationStatus.SENT).count() == 2, timeout=15)
    elapsed = time.monotonic() - started

    sms = Notification.objects.get(service=service, channel=NotificationType.SMS)
    assert Notification.objects.get(service=service, channel=NotificationType.IN_APP).status == NotificationStatus.SENT
    assert sms.sent_at is not None and sms.provider_message_id.startswith("ATXid_")
    [form] = sms_provider.accepted
    assert form["to"] == "+254722000333"
    assert form["message"].startswith("Hi Achieng, your") and "KDE 321F" in form["message"]
    assert "/s/" in form["message"]  # the status link
    assert elapsed < 15


def test_a_transient_provider_failure_is_retried_by_the_worker(start_celery, sms_provider):
    install_default_workflows()
    sms_provider.failure_rate = 1.0
    service = ServiceFactory(status=ServiceStatus.IN_PROGRESS)
    start_celery("worker")
    service_complete(service=service)
    assert wait_until(lambda: len(sms_provider.requests) >= 2, timeout=15)
    sms_provider.failure_rate = 0.0
    assert wait_until(
        lambda: Notification.objects.filter(service=service, channel=NotificationType.SMS, status=NotificationStatus.SENT).exists(),
        timeout=20,
    )
    sms = Notification.objects.get(service=service, channel=NotificationType.SMS)
    assert sms.attempts >= 3 and len(sms_provider.accepted) == 1

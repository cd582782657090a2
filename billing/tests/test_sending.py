"""Sending a job's estimate to its owner through the notifications outbox, once per press."""

import pytest
from django.urls import reverse

from billing.models import Decision
from billing.sending import EstimateNotSent, estimate_send
from billing.tests.scenarios import a_job_priced_in_every_tax_category
from concierge.accounts.roles import TECHNICIAN
from concierge.accounts.tests.factories import staff_in_role
from concierge.accounts.verified_login import login_verified
from notifications.links import LinkKind, message_for_sending
from notifications.models import Notification, NotificationStatus, NotificationType
from servicing.models import ServiceStatus
from servicing.tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db


def test_the_estimate_goes_as_an_sms_holding_a_link_placeholder_never_a_token(settings):
    settings.PORTAL_BASE_URL = "https://portal.example"
    job = a_job_priced_in_every_tax_category()
    result = estimate_send(service=job, channel=NotificationType.SMS, by=None, last_seen=None)
    assert result.sent
    stored = Notification.objects.get(pk=result.notification.pk)
    assert stored.status == NotificationStatus.PENDING and stored.link == LinkKind.STATUS_LINK
    assert stored.service_id == job.pk and stored.client_id == job.vehicle.client_id
    assert "[status link]" in stored.message and "https://" not in stored.message
    assert "KES" in stored.message and job.vehicle.license_plate in stored.message
    # The worker makes the link when it sends: a portal address with a fresh token.
    sent_text = message_for_sending(stored)
    assert "https://portal.example/s/" in sent_text  # the short status link


def test_a_second_press_of_the_same_page_sends_nothing(client, superuser):
    job = a_job_priced_in_every_tax_category()
    login_verified(client, superuser)
    url = reverse("billing:estimate_send", args=[job.pk])
    for _press in range(2):  # both presses post what the page showed: no message yet
        response = client.post(url, {"channel": NotificationType.SMS, "last_sent": ""})
        assert response.status_code == 302
    assert Notification.objects.filter(service=job).count() == 1
    # Reloading the page shows the message; sending from it again is a new, deliberate send.
    page = client.get(reverse("billing:job_estimate", args=[job.pk])).content.decode()
    last = Notification.objects.get(service=job)
    assert f'name="last_sent" value="{last.pk}"' in page
    client.post(url, {"channel": NotificationType.EMAIL, "last_sent": str(last.pk)})
    assert Notification.objects.filter(service=job).count() == 2


def test_a_job_without_lines_or_closed_has_no_estimate_to_send():
    with pytest.raises(EstimateNotSent):
        estimate_send(service=ServiceFactory(), channel=NotificationType.SMS, by=None, last_seen=None)
    done = ServiceFactory(status=ServiceStatus.CANCELLED)
    with pytest.raises(EstimateNotSent):
        estimate_send(service=done, channel=NotificationType.SMS, by=None, last_seen=None)
    job = a_job_priced_in_every_tax_category()
    with pytest.raises(EstimateNotSent):
        estimate_send(service=job, channel="fax", by=None, last_seen=None)
    assert not Notification.objects.exists()


def test_the_refusal_is_shown_on_the_page_not_a_500(client, superuser):
    job = ServiceFactory()
    login_verified(client, superuser)
    response = client.post(reverse("billing:estimate_send", args=[job.pk]), {"channel": "SMS"}, follow=True)
    assert response.status_code == 200
    assert "no estimate lines to send" in response.content.decode()
    assert not Notification.objects.exists()


def test_staff_who_may_not_price_jobs_cannot_send_or_see_the_estimate(client):
    job = a_job_priced_in_every_tax_category()
    login_verified(client, staff_in_role(TECHNICIAN))
    assert client.post(reverse("billing:estimate_send", args=[job.pk]), {"channel": "SMS"}).status_code == 403
    assert client.get(reverse("billing:job_estimate", args=[job.pk])).status_code == 403
    assert not Notification.objects.exists()


def test_the_staff_estimate_page_lists_every_answer(client, superuser):
    job = a_job_priced_in_every_tax_category()
    login_verified(client, superuser)
    page = client.get(reverse("billing:job_estimate", args=[job.pk])).content.decode()
    assert f"decision-{Decision.DECLINED}" in page and f"decision-{Decision.PENDING}" in page
    assert "Send estimate" in page


def test_sending_by_sms_to_an_owner_without_a_phone_says_it_was_not_sent(client, superuser):
    job = a_job_priced_in_every_tax_category()
    job.vehicle.client.phone = None
    job.vehicle.client.save()
    login_verified(client, superuser)
    response = client.post(reverse("billing:estimate_send", args=[job.pk]),
                           {"channel": NotificationType.SMS, "last_sent": ""}, follow=True)
    page = response.content.decode()
    assert "could not be sent: not sent: no phone number on file" in page
    assert "Estimate sent" not in page

"""A sign-in request end to end with a real Celery worker and Redis: the view only queues it; the worker
finds the client, writes the link and the (fake) Africa's Talking server receives the text."""

import re

import pytest
from django.urls import reverse

from clients.tests.factories import ClientFactory
from notifications.tests.conftest import redis_server, sms_provider, start_celery, worker_env  # noqa: F401
from concierge.processes import wait_until

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_worker_looks_the_phone_up_and_texts_a_link_on_portal_base_url(start_celery, sms_provider, client):  # noqa: F811
    ClientFactory(first_name="Wanjiru", phone="+254712345678")
    start_celery("worker", PORTAL_BASE_URL="http://127.0.0.1:8101")

    response = client.post(reverse("portal:sign_in"), {"contact": "0712 345 678"}, REMOTE_ADDR="10.0.0.7")

    assert response.status_code == 302 and response["Location"] == reverse("portal:sign_in_sent")
    assert wait_until(lambda: len(sms_provider.accepted) == 1, timeout=30)
    [form] = sms_provider.accepted
    assert form["to"] == "+254712345678"
    link = re.search(r"http://127\.0\.0\.1:8101(/portal/sign-in/[A-Za-z0-9_-]+/)", form["message"])
    assert link, form["message"]
    assert "Welcome, Wanjiru" in client.get(link[1]).content.decode()

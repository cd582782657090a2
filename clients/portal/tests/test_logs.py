"""No email, phone number or link token in the logs of a portal sign-in and its delivery (issue 14.5),
read through the production log set-up (JSON lines, request ids, redaction) as a deployment writes them."""

import io
import json
import logging.config
import re

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

from clients.tests.factories import ClientFactory
from concierge.celery import app
from concierge.observability.logconfig import logging_config
from notifications.backends import sms
from notifications.models import Notification

pytestmark = pytest.mark.django_db

LINK = re.compile(r"/portal/sign-in/(?P<token>[A-Za-z0-9_-]+)/")


@pytest.fixture
def production_logs():
    stream = io.StringIO()
    config = logging_config(json=True, level="DEBUG")
    config["handlers"]["console"]["stream"] = stream
    logging.config.dictConfig(config)
    yield stream
    logging.config.dictConfig(settings.LOGGING)


@pytest.fixture
def tasks_inline():
    """What the worker does, done in this thread by Celery itself (its eager mode): every task queued
    after commit (the link's delivery, and whatever else the sign-in queues) runs as it is queued."""
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False


def _sign_in_by(http, contact, capture):
    """Ask for a link, have it delivered, follow it twice (the second time it is used up)."""
    with capture(execute=True):
        http.post(reverse("portal:sign_in"), {"contact": contact}, REMOTE_ADDR="10.0.0.7")
    assert not Notification.objects.filter(status="pending").exists()
    sent = mail.outbox[-1].body if mail.outbox else ""
    sent += "".join(message for _, message in sms.outbox)
    token = LINK.findall(sent)[-1]
    url = reverse("portal:sign_in_confirm", kwargs={"token": token})
    assert http.get(url).status_code == 200
    assert http.post(url).status_code == 302
    http.post(reverse("portal:sign_out"))
    assert http.post(url).status_code == 410
    return token


def test_sign_in_and_delivery_logs_hold_no_email_phone_or_token(
    client, production_logs, tasks_inline, django_capture_on_commit_callbacks,
):
    sms.outbox.clear()
    owner = ClientFactory(email="wambui.kamau@example.co.ke", phone="+254712345678")

    tokens = [
        _sign_in_by(client, "wambui.kamau@example.co.ke", django_capture_on_commit_callbacks),
        _sign_in_by(client, "0712 345 678", django_capture_on_commit_callbacks),
    ]

    logs = production_logs.getvalue()
    lines = [json.loads(line) for line in logs.splitlines()]
    # The logs did record these requests and deliveries, with request ids...
    assert any(line["logger"] == "django.request" and "Gone" in line["message"] for line in lines)
    assert any(line["logger"] == "celery.app.trace" for line in lines)
    assert any(line["message"].startswith("POST /portal/sign-in/<str:token>/ 410") for line in lines)
    assert all(line["request_id"] for line in lines)
    # ...and nothing that identifies the client or opens their portal.
    for secret in [owner.email, "+254712345678", "712345678", "0712 345 678", "wambui", *tokens]:
        assert secret not in logs

"""The receipt SMS: payment_received fires once per payment, in its transaction, and the default
workflow (English and Swahili, category service) texts the amount, the M-Pesa code and the balance
left, with nothing secret in it."""

import json
import uuid
from decimal import Decimal
from urllib.parse import urlsplit

import pytest

from concierge.workflows.defaults import install_default_workflows
from concierge.workflows.models import Event
from concierge.workflows.tasks import run_event_workflows
from notifications.models import Notification, NotificationType
from payments.models import Method
from payments.services import payment_record
from payments.services.mpesa import mpesa_request_create, mpesa_request_send, stk_callback_url
from payments.workflow_events import DEFAULT_WORKFLOW, PAYMENT_RECEIVED

from .conftest import SECRET
from .scenarios import an_invoice

pytestmark = pytest.mark.django_db


def _run_workers_share():
    for pk in Event.objects.filter(processed_at__isnull=True).values_list("pk", flat=True):
        run_event_workflows(str(pk))


def test_an_mpesa_payment_texts_the_owner_the_amount_the_code_and_the_balance(mpesa_settings, daraja_server,
                                                                              client):
    install_default_workflows()
    invoice = an_invoice(price="1000.00")
    payment_record(invoice=invoice, amount=Decimal("400.00"), method=Method.CASH)
    row = mpesa_request_create(invoice=invoice, phone="0712345678", by=None)
    mpesa_request_send(request_id=row.pk)
    row.refresh_from_db()
    body = daraja_server.answer(row.checkout_request_id, 0, receipt="SKL3ABCD9X")
    client.post(urlsplit(stk_callback_url(request_id=row.pk)).path, data=json.dumps(body),
                content_type="application/json")
    _run_workers_share()
    texts = list(Notification.objects.filter(channel=NotificationType.SMS, service=invoice.service,
                                             message__contains="we received")
                 .order_by("created_at").values_list("message", "category"))
    assert len(texts) == 2  # the cash payment's and the M-Pesa one's
    cash, mpesa = sorted(texts, key=lambda text: "M-Pesa" in text[0])
    assert "KES 400.00" in cash[0] and "cash" in cash[0] and "Balance KES 600.00" in cash[0]
    assert "KES 600.00" in mpesa[0] and "M-Pesa SKL3ABCD9X" in mpesa[0] and "Balance KES 0.00" in mpesa[0]
    assert mpesa[1] == "service"
    for secret in (SECRET, daraja_server.token, daraja_server.passkey, "254712345678"):
        assert secret not in mpesa[0]


def test_one_event_per_payment_even_when_the_request_repeats():
    invoice = an_invoice()
    key = uuid.uuid4()
    payment_record(invoice=invoice, amount=Decimal("10.00"), method=Method.CASH, idempotency_key=key)
    payment_record(invoice=invoice, amount=Decimal("10.00"), method=Method.CASH, idempotency_key=key)
    assert Event.objects.filter(name=PAYMENT_RECEIVED).count() == 1


def test_the_default_receipt_has_english_and_swahili_and_is_a_service_message():
    (action,) = DEFAULT_WORKFLOW["actions"]
    assert action["category"] == "service" and action["template"] and action["template_sw"]
    assert "{{ receipt_code }}" in action["template"] or "{{ paid_by }}" in action["template"]

"""What a delivery carries: ids, statuses, numbers and amounts; no phone number, email or name."""

import json
from decimal import Decimal

import pytest

from billing.models import DocumentKind, Invoice
from billing.services import credit_note_issue
from clients.tests.factories import ClientFactory
from concierge.workflows.events import event_emit
from concierge.workflows.registry import registry
from fleet.tests.factories import VehicleFactory
from payments.models import Method
from payments.services.ledger import payment_record
from payments.tests.scenarios import an_invoice
from webhooks.models import Delivery
from webhooks.tests.receiver import DOCS

pytestmark = pytest.mark.django_db

PHONE, EMAIL = "+254722987654", "wanjiku.kamau@example.co.ke"
EVENTS = ["service_created", "service_status_changed", "service_in_progress", "service_completed",
          "invoice_issued", "credit_note_issued", "payment_received"]


def test_a_jobs_life_in_webhooks_carries_ids_and_statuses_and_no_contact_details(receiver, endpoint_for):
    endpoint = endpoint_for(receiver, events=EVENTS)
    invoice = an_invoice(price="2500.00", vehicle__client__phone=PHONE, vehicle__client__email=EMAIL,
                         vehicle__client__first_name="Wanjiku", vehicle__client__last_name="Kamau")
    payment = payment_record(invoice=invoice, amount=Decimal("1000.00"), method=Method.MPESA, reference="SKL3ABCD9X")
    credit_note = credit_note_issue(invoice=invoice, reason="Wrong oil grade billed")

    bodies = {d.event_type: json.loads(d.body) for d in Delivery.objects.filter(endpoint=endpoint)}
    assert set(bodies) == set(EVENTS)
    for body in bodies.values():
        text = json.dumps(body)
        assert PHONE not in text and PHONE[1:] not in text and "722987654" not in text
        assert EMAIL not in text and "Wanjiku" not in text and "Kamau" not in text
        assert body["data"]["service_id"] == str(invoice.service_id)
        assert body["data"]["client_id"] == str(invoice.client_id)
    issued = bodies["invoice_issued"]["data"]
    assert issued["invoice_id"] == str(invoice.pk) and issued["invoice_number"] == invoice.display_number
    assert Decimal(issued["total"]) == invoice.total and issued["kind"] == DocumentKind.INVOICE
    credited = bodies["credit_note_issued"]["data"]
    assert credited["invoice_id"] == str(credit_note.pk) and credited["credited_invoice_id"] == str(invoice.pk)
    assert Invoice.objects.get(pk=credited["invoice_id"]).kind == DocumentKind.CREDIT_NOTE
    assert bodies["payment_received"]["data"]["payment_id"] == str(payment.pk)
    assert bodies["payment_received"]["data"]["receipt_code"] == "SKL3ABCD9X"


def test_fields_naming_or_looking_like_contact_details_are_dropped(receiver, endpoint_for):
    endpoint = endpoint_for(receiver, events=["vehicle_mileage_updated"])
    vehicle = VehicleFactory(client=ClientFactory(phone=PHONE, email=EMAIL))
    event_emit(name="vehicle_mileage_updated", vehicle=vehicle, payload={
        "new_mileage": 52000, "owner_phone": PHONE, "contact_email": EMAIL, "note": EMAIL,
        "callback": "0722 987 654", "first_name": "Wanjiku",
    })
    data = json.loads(Delivery.objects.get(endpoint=endpoint).body)["data"]
    assert data == {"new_mileage": 52000, "vehicle_id": str(vehicle.pk), "client_id": str(vehicle.client_id),
                    "service_id": None}


def test_the_docs_list_every_event_an_endpoint_can_subscribe_to():
    docs = DOCS.read_text()
    missing = [name for name in registry.events if f"`{name}`" not in docs]
    assert missing == []

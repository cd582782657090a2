"""Payments' workflow event, registered with the engine from payments.apps, and the default workflow
that texts the owner a receipt (docs/payments.md, "Receipt SMS").

payment_received: money came in against a job's invoice (cash, card, M-Pesa). Its own placeholders
come from the event's payload, written when the payment was recorded (so a second payment moments
later does not change the first one's receipt): amount, receipt_code (the M-Pesa code; empty for
cash or card), paid_by ("M-Pesa SKL3ABCD9X", "cash", "card"), invoice_number and balance (what was
left owing after it). Nothing secret is in them: no token, key or phone number.
"""

from typing import Any

from django.conf import settings

from concierge.workflows.events import event_emit
from concierge.workflows.registry import registry

from .models import Method, Payment
from .selectors import invoice_balance

PAYMENT_RECEIVED = "payment_received"

SAMPLES = {"amount": "KES 12,500.00", "receipt_code": "SKL3ABCD9X", "paid_by": "M-Pesa SKL3ABCD9X",
           "invoice_number": "INV-000123", "balance": "KES 0.00"}

DEFAULT_WORKFLOW: dict[str, Any] = {
    "name": "SMS receipt when a payment is received",
    "trigger_event": PAYMENT_RECEIVED,
    "actions": [{
        "type": "send_notification", "channel": "SMS", "category": "service",
        "template": "Hi {{ first_name }}, we received {{ amount }} for {{ invoice_number }} ({{ plate }}), "
                    "{{ paid_by }}. Balance {{ balance }}. Thank you, {{ shop_name }}",
        "template_sw": "Habari {{ first_name }}, tumepokea {{ amount }} kwa ankara {{ invoice_number }} "
                       "({{ plate }}), {{ paid_by }}. Salio {{ balance }}. Asante, {{ shop_name }}",
    }],
}


def _money(amount: Any) -> str:
    return f"{settings.CURRENCY} {amount:,.2f}"


def payment_received_emit(*, payment: Payment) -> None:
    """Record the event in the payment's transaction (once per payment); workflows run after commit."""
    invoice = payment.invoice
    receipt = payment.reference if payment.method == Method.MPESA else ""
    paid_by = f"M-Pesa {receipt}".strip() if payment.method == Method.MPESA else payment.get_method_display().lower()
    payload = {"payment_id": str(payment.pk), "amount": _money(payment.amount), "receipt_code": receipt,
               "paid_by": paid_by, "invoice_number": invoice.display_number,
               "balance": _money(invoice_balance(invoice=invoice).balance)}
    event_emit(name=PAYMENT_RECEIVED, service=invoice.service, payload=payload,
               dedupe_key=f"{PAYMENT_RECEIVED}:{payment.pk}")


def _on_payment_recorded(sender: Any, *, payment: Payment, **kwargs: Any) -> None:
    payment_received_emit(payment=payment)


def register() -> None:
    registry.event_register(PAYMENT_RECEIVED, label="A payment was received against a job's invoice",
                            subject="job", payload_placeholders=SAMPLES)
    registry.default_workflow_register(DEFAULT_WORKFLOW)
    from .signals import payment_recorded

    payment_recorded.connect(_on_payment_recorded, dispatch_uid="payments.payment_received")
    # Connected here so clients never imports payments.
    from clients.data_rights.services import client_erased

    client_erased.connect(_forget_payer_on_erasure, dispatch_uid="payments.forget_payer_on_erasure")


def _forget_payer_on_erasure(sender: Any, *, client: Any, **kwargs: Any) -> None:
    from .services.erasure import payments_person_erase

    payments_person_erase(client_id=client.pk)

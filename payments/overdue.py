"""The invoice_overdue workflow event (docs/payments.md, "Receivables and collection"): an invoice still
owed some time after it was issued. Registered with the engine from payments.apps, like billing's
declined_work_due (billing/workflow_events.py), with the job placeholders a reminder needs and the
shop's default reminder; fired by the beat task payments.tasks.fire_invoice_overdue.

Overdue steps: an invoice with a balance is overdue from INVOICE_OVERDUE_DAYS (D) after its issue date.
Step 1 covers the days D to 2D-1, step 2 2D to 3D-1, step 3 3D to 4D-1: the event fires once per
invoice and step (its dedupe key), however often the beat runs, so the owner hears at most three
times, D days apart. A step whose days have passed is not caught up (a beat stopped for a while, or
invoices older than 4D when this shipped, are not reminded in a burst): those owners are on the
receivables report, for a call.
"""

import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from billing.models import DocumentKind, Invoice
from concierge.workflows.events import event_emit
from concierge.workflows.models import Event
from concierge.workflows.registry import registry

from .selectors import invoice_balance, invoices_with_balance

INVOICE_OVERDUE = "invoice_overdue"
OVERDUE_STEPS = 3

DEFAULT_WORKFLOW = {
    "name": "Reminder when an invoice is overdue",
    "trigger_event": INVOICE_OVERDUE,
    "actions": [{
        # A reminder, not a service message: a number that replied STOP gets none, and none at night
        # (docs/notifications.md, "Opt-out, consent and quiet hours").
        "type": "send_notification", "channel": "SMS", "category": "reminder",
        "template": "Hi {{ first_name }}, a gentle reminder: invoice {{ invoice_number }} for {{ plate }} has "
                    "{{ invoice_balance }} outstanding. Pay by M-Pesa Paybill {{ paybill }}, account "
                    "{{ invoice_number }}. Thank you. {{ shop_name }}",
        "template_sw": "Habari {{ first_name }}, tunakukumbusha kwa heshima kuwa ankara {{ invoice_number }} ya gari "
                       "{{ plate }} ina salio la {{ invoice_balance }}. Lipa kwa M-Pesa Paybill {{ paybill }}, "
                       "akaunti {{ invoice_number }}. Asante. {{ shop_name }}",
    }],
}


def overdue_step(*, issue_date: datetime.date, today: datetime.date, days: int) -> int | None:
    """The overdue step an invoice issued on `issue_date` is in today (1 to OVERDUE_STEPS), or None:
    not overdue yet, or past the last step."""
    step = (today - issue_date).days // days
    return step if 1 <= step <= OVERDUE_STEPS else None


def dedupe_key(invoice_id: Any, step: int) -> str:
    return f"{INVOICE_OVERDUE}:{invoice_id}:{step}"


def invoice_overdue_fire(*, today: datetime.date | None = None) -> int:
    """Emit invoice_overdue for each invoice with a balance in an overdue step not reminded yet;
    returns how many were emitted. Safe on every beat tick: the dedupe key makes a repeat a no-op."""
    today = today or timezone.localdate()
    days = settings.INVOICE_OVERDUE_DAYS
    window = Invoice.objects.filter(
        issue_date__lte=today - datetime.timedelta(days=days),
        issue_date__gt=today - datetime.timedelta(days=days * (OVERDUE_STEPS + 1)),
    )
    owed: Any = invoices_with_balance(queryset=window)
    due: dict[str, tuple[Any, int]] = {}
    for invoice_id, issue_date in owed.filter(balance__gt=0).order_by("issue_date", "number").values_list(
        "pk", "issue_date",
    ).iterator(chunk_size=500):
        step = overdue_step(issue_date=issue_date, today=today, days=days)
        if step is not None:
            due[dedupe_key(invoice_id, step)] = (invoice_id, step)
    already = set(Event.objects.filter(name=INVOICE_OVERDUE, dedupe_key__in=list(due)).values_list("dedupe_key", flat=True))
    fired = 0
    for key, (invoice_id, step) in due.items():
        if key in already:
            continue
        with transaction.atomic():
            invoice = Invoice.objects.select_related("service__vehicle__client").get(pk=invoice_id)
            payload = {"invoice": invoice.display_number, "step": step,
                       "days_since_issue": (today - invoice.issue_date).days}
            if event_emit(name=INVOICE_OVERDUE, service=invoice.service, dedupe_key=key, payload=payload):
                fired += 1
    return fired


def _invoice_values(service: Any, dry_run: bool) -> dict[str, Any]:
    """The job's invoice number and what is still owed on it, read only when a template uses them;
    the shop's Paybill number (MPESA_SHORTCODE)."""
    cache: dict[str, Invoice | None] = {}

    def job_invoice() -> Invoice | None:
        if "invoice" not in cache:
            cache["invoice"] = Invoice.objects.filter(service=service, kind=DocumentKind.INVOICE).first()
        return cache["invoice"]

    def number() -> str:
        invoice = job_invoice()
        return invoice.display_number if invoice else ""

    def balance() -> str:
        invoice = job_invoice()
        owed = invoice_balance(invoice=invoice).balance if invoice else 0
        return f"{settings.CURRENCY} {owed:,.2f}"

    return {"invoice_number": number, "invoice_balance": balance, "paybill": settings.MPESA_SHORTCODE}


def register() -> None:
    registry.event_register(INVOICE_OVERDUE, label="An invoice is still owed some time after it was issued",
                            subject="job")
    registry.placeholders_register("job", names={"invoice_number", "invoice_balance", "paybill"}, values=_invoice_values)
    registry.default_workflow_register(DEFAULT_WORKFLOW)

"""Billing's workflow events, registered with the engine from billing.apps like servicing's job events
(servicing/workflow_actions.py), and fired by its beat task (billing/tasks.py).

declined_work_due: declined work on a job (estimate lines the owner declined, not done since) reached
its follow-up date. One event per job and follow-up date, whatever the number of lines declined for
that date, so the owner hears once; a line given a new date can be reminded again for it.

invoice_issued / credit_note_issued: recorded in the issuing transaction from billing's own signals
(billing/signals.py), so workflows and webhooks hear of them. Their payload is the document's number,
kind and totals (and the credited invoice's id and number): no customer name or PIN.
"""

import datetime
from collections import defaultdict

from django.db import transaction
from django.utils import timezone

from typing import Any

from concierge.workflows.events import event_emit
from concierge.workflows.models import Event
from concierge.workflows.registry import registry
from servicing.models import Service

from .models import Invoice
from .selectors import declined_work_due

DECLINED_WORK_DUE = "declined_work_due"
INVOICE_ISSUED = "invoice_issued"
CREDIT_NOTE_ISSUED = "credit_note_issued"

BILLING_EVENTS = {
    DECLINED_WORK_DUE: "Declined work on a job reached its follow-up date",
    INVOICE_ISSUED: "An invoice was issued for a job",
    CREDIT_NOTE_ISSUED: "A credit note was issued against a job's invoice",
}
DOCUMENT_SAMPLES = {"invoice_number": "INV-000123", "total": "12500.00"}


def _document_payload(document: Invoice) -> dict[str, str]:
    return {"invoice_id": str(document.pk), "invoice_number": document.display_number, "kind": str(document.kind),
            "currency": document.currency, "net_total": str(document.net_total), "tax_total": str(document.tax_total),
            "total": str(document.total), "issue_date": document.issue_date.isoformat()}


def _on_invoice_issued(sender: Any, *, invoice: Invoice, **kwargs: Any) -> None:
    event_emit(name=INVOICE_ISSUED, service=invoice.service, payload=_document_payload(invoice),
               dedupe_key=f"{INVOICE_ISSUED}:{invoice.pk}")


def _on_credit_note_issued(sender: Any, *, credit_note: Invoice, invoice: Invoice, **kwargs: Any) -> None:
    payload = _document_payload(credit_note) | {
        "credited_invoice_id": str(invoice.pk), "credited_invoice_number": invoice.display_number,
    }
    event_emit(name=CREDIT_NOTE_ISSUED, service=invoice.service, payload=payload,
               dedupe_key=f"{CREDIT_NOTE_ISSUED}:{credit_note.pk}")


def register() -> None:
    for name, label in BILLING_EVENTS.items():
        placeholders = DOCUMENT_SAMPLES if name != DECLINED_WORK_DUE else None
        registry.event_register(name, label=label, subject="job", payload_placeholders=placeholders)
    from . import signals

    signals.invoice_issued.connect(_on_invoice_issued, sender=Invoice, dispatch_uid="billing.invoice_issued_event")
    signals.credit_note_issued.connect(
        _on_credit_note_issued, sender=Invoice, dispatch_uid="billing.credit_note_issued_event",
    )


def declined_work_due_fire(*, today: datetime.date | None = None) -> int:
    """Emit declined_work_due for every job whose declined work is due; returns how many were emitted.

    Safe on every beat tick: the dedupe key (job, follow-up date) makes a repeat a no-op.
    """
    today = today or timezone.localdate()
    due: dict[tuple[str, datetime.date], list[str]] = defaultdict(list)
    for line_id, service_id, follow_up in (
        declined_work_due(today=today).order_by("service_id", "follow_up_date", "position")
        .values_list("pk", "service_id", "follow_up_date").iterator(chunk_size=500)
    ):
        assert follow_up is not None  # the selector compares it to a date: never NULL here
        due[(str(service_id), follow_up)].append(str(line_id))
    keys = {f"{DECLINED_WORK_DUE}:{service_id}:{follow_up.isoformat()}": (service_id, follow_up, lines)
            for (service_id, follow_up), lines in due.items()}
    already = set(Event.objects.filter(name=DECLINED_WORK_DUE, dedupe_key__in=keys).values_list("dedupe_key", flat=True))
    fired = 0
    for key, (job_id, follow_up, lines) in keys.items():
        if key in already:
            continue
        with transaction.atomic():
            service = Service.objects.select_related("vehicle__client").get(pk=job_id)
            payload = {"follow_up_date": follow_up.isoformat(), "estimate_lines": lines}
            if event_emit(name=DECLINED_WORK_DUE, service=service, dedupe_key=key, payload=payload):
                fired += 1
    return fired

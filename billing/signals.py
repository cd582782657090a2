"""What happens to estimates and invoices, said by the services that do it (billing/services/), and the
receivers connecting billing to the jobs and clients it prices.

Sent with the model as sender, inside the service's transaction, right after the write:
- estimate_line_decided(line, old_decision, new_decision, by): the owner's answer to a line was
  recorded (estimate_line_decide), once per real change.
- invoice_issued(invoice, by): an invoice was issued on a job's completion (invoice_issue).
- credit_note_issued(credit_note, invoice, by): a credit note against `invoice` (credit_note_issue).
  The eTIMS transmission is queued from receivers of these two (billing/etims_link.py).

Receivers of other apps' signals, connected here so servicing and clients never import billing:
- servicing's service_status_changed to completed issues the job's invoice (same transaction);
- servicing's lifecycle check refuses starting a job with estimate lines and none approved;
- clients' client_erased deletes the client's KRA PIN (their invoices keep their copy).
"""

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.dispatch import Signal

estimate_line_decided = Signal()
invoice_issued = Signal()
credit_note_issued = Signal()


def _issue_invoice_on_completion(
    sender: Any, *, service: Any, old_status: str, new_status: str, by: Any, **kwargs: Any,
) -> None:
    from servicing.models import ServiceStatus

    from .services import invoice_issue

    if new_status == ServiceStatus.COMPLETED:
        invoice_issue(service=service, by=by)


def _work_starts_on_approved_lines(service: Any, current: str, new: str) -> None:
    from servicing.lifecycle import InvalidTransition
    from servicing.models import ServiceStatus

    from .selectors import estimate_start_refusal

    if new == ServiceStatus.IN_PROGRESS:
        refusal = estimate_start_refusal(service=service)
        if refusal:
            raise InvalidTransition(refusal)


def _forget_tax_pin_on_erasure(sender: Any, *, client: Any, by: AbstractBaseUser | None, **kwargs: Any) -> None:
    from .services import customer_tax_pin_erase

    customer_tax_pin_erase(client=client)


def connect() -> None:
    from clients.data_rights.services import client_erased
    from servicing.lifecycle import transition_check_register
    from servicing.models import Service
    from servicing.signals import service_status_changed

    from . import etims_link

    service_status_changed.connect(
        _issue_invoice_on_completion, sender=Service, dispatch_uid="billing.issue_invoice_on_completion",
    )
    transition_check_register(_work_starts_on_approved_lines)
    client_erased.connect(_forget_tax_pin_on_erasure, dispatch_uid="billing.forget_tax_pin_on_erasure")
    etims_link.connect()

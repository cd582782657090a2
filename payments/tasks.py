"""Celery tasks for M-Pesa: ids in, a service call. The push is never retried by the task: a push
sent twice would prompt the owner twice (the outbox and the status query settle failures)."""

from celery import shared_task

from .overdue import invoice_overdue_fire
from .services.mpesa import mpesa_request_query, mpesa_request_send, mpesa_sweep


@shared_task(acks_late=True, ignore_result=True)
def send_mpesa_request(request_id: str) -> str:
    return mpesa_request_send(request_id=request_id)


@shared_task(acks_late=True, ignore_result=True)
def query_mpesa_request(request_id: str) -> str:
    return mpesa_request_query(request_id=request_id)


@shared_task(ignore_result=True)
def sweep_mpesa_requests() -> dict[str, int]:
    return mpesa_sweep()


@shared_task(ignore_result=True)
def fire_invoice_overdue() -> int:
    """invoice_overdue for invoices still owed (payments/overdue.py): once per invoice and step."""
    return invoice_overdue_fire()

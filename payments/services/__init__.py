"""Payments' writes: the ledger (payments and refunds)."""

from .errors import PaymentRefused
from .ledger import payment_record, refund_record

__all__ = ["PaymentRefused", "payment_record", "refund_record"]

"""Billing's writes: the price list and PINs, estimates, invoices and credit notes."""

from .errors import BillingRefused, StaleDecision
from .estimates import (
    DECLINED_FOLLOW_UP_DAYS,
    EDITABLE_FIELDS,
    declined_work_add_to_job,
    declined_work_recover,
    declined_work_recovered_by,
    estimate_line_add,
    estimate_line_decide,
    estimate_line_remove,
    estimate_line_update,
)
from .invoices import credit_note_issue, document_number_take, invoice_issue
from .price_list import customer_tax_pin_erase, customer_tax_pin_set, price_list_item_save

__all__ = [
    "DECLINED_FOLLOW_UP_DAYS", "EDITABLE_FIELDS", "BillingRefused", "StaleDecision", "credit_note_issue", "customer_tax_pin_erase",
    "customer_tax_pin_set", "declined_work_add_to_job", "declined_work_recover", "declined_work_recovered_by", "document_number_take", "estimate_line_add",
    "estimate_line_decide", "estimate_line_remove", "estimate_line_update", "invoice_issue", "price_list_item_save",
]

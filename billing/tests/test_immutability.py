"""Issued documents are immutable in the database itself, whatever the writer: once the issuing
transaction has committed, UPDATE and DELETE of an invoice or its lines are refused, no line can be
added to it, and the numbering counter only moves on by one."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction

from billing.models import DocumentCounter, DocumentKind, Invoice, InvoiceLine
from billing.selectors import invoice_for_service
from servicing.services import service_complete, service_start

from .scenarios import a_job_with_one_approved_line

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def issued() -> Invoice:
    job = a_job_with_one_approved_line(price="1000.00")
    service_start(service=job)
    service_complete(service=job)
    invoice = invoice_for_service(service=job)
    assert invoice is not None
    return invoice


def _refused(sql: str, params: list) -> None:
    with pytest.raises(IntegrityError, match="immutable|only when it is issued|never reset|moves on by one"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)


def test_the_database_refuses_to_change_an_issued_invoice(issued):
    _refused("UPDATE billing_invoices SET total = 1.00, net_total = 1.00, tax_total = 0 WHERE id = %s", [issued.pk])
    _refused("UPDATE billing_invoices SET customer_name = 'Someone else' WHERE id = %s", [issued.pk])
    assert Invoice.objects.get(pk=issued.pk).total == Decimal("1000.00")


def test_the_database_refuses_to_delete_an_issued_invoice_or_its_lines(issued):
    _refused("DELETE FROM billing_invoice_lines WHERE invoice_id = %s", [issued.pk])
    _refused("DELETE FROM billing_invoices WHERE id = %s", [issued.pk])
    assert Invoice.objects.filter(pk=issued.pk).exists()


def test_the_database_refuses_to_change_or_add_a_line_after_issue(issued):
    line = issued.lines.get()
    _refused("UPDATE billing_invoice_lines SET unit_price = 1.00 WHERE id = %s", [line.pk])
    with pytest.raises(IntegrityError, match="only when it is issued"), transaction.atomic():
        InvoiceLine.objects.create(
            invoice=issued, kind="part", description="Extra", quantity=Decimal("1"), unit_price=Decimal("5.00"),
            tax_category="vat16", tax_rate=Decimal("16.00"),
        )
    assert issued.lines.count() == 1


def test_the_counter_is_never_reset_nor_moved_back(issued):
    _refused("UPDATE billing_document_counters SET last_number = 0 WHERE series = %s", [DocumentKind.INVOICE])
    _refused("DELETE FROM billing_document_counters WHERE series = %s", [DocumentKind.INVOICE])
    assert DocumentCounter.objects.get(series=DocumentKind.INVOICE).last_number == 1

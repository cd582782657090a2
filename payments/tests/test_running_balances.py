"""payments_invoice_balances stays equal to what the invoices, credit notes and ledger say, after
every kind of write the product (or seed_scale, in bulk SQL) makes: the triggers of
payments/migrations/0004 apply each statement's rows to their invoices, in the same transaction.
Each test compares every invoice's kept row with a recount done here in Python."""

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection

from billing.models import DocumentKind, Invoice, LineKind
from billing.services import credit_note_issue
from billing.tests.scenarios import a_job_priced_in_every_tax_category
from payments.models import EntryKind, Method, Payment, RunningBalance
from payments.selectors import client_credit, invoice_balance
from payments.services import payment_record, refund_record
from servicing.services import service_complete, service_start

from .scenarios import an_invoice

pytestmark = pytest.mark.django_db
D = Decimal


def recount() -> dict:
    """{invoice id: (client, issue date, due, received, refunded)} from the documents and ledger rows."""
    figures = {
        i.pk: [i.client_id, i.issue_date, i.total, D(0), D(0)]
        for i in Invoice.objects.filter(kind=DocumentKind.INVOICE)
    }
    for note in Invoice.objects.filter(kind=DocumentKind.CREDIT_NOTE):
        figures[note.credited_invoice_id][2] -= note.total
    for row in Payment.objects.all():
        figures[row.invoice_id][3 if row.kind == EntryKind.PAYMENT else 4] += row.amount
    return {pk: tuple(values) for pk, values in figures.items()}


def kept() -> dict:
    return {
        row.invoice_id: (row.client_id, row.issue_date, row.due, row.received, row.refunded)
        for row in RunningBalance.objects.all()
    }


def test_kept_balances_follow_invoices_credit_notes_payments_refunds_and_overpayments():
    job = a_job_priced_in_every_tax_category()
    service_start(service=job)
    service_complete(service=job)
    big = job.invoices.get(kind=DocumentKind.INVOICE)
    small, untouched = an_invoice(price="1000.00"), an_invoice(price="250.00")
    assert kept() == recount() and len(kept()) == 3
    cabin = big.lines.get(description="Cabin filter", kind=LineKind.PART)
    credit_note_issue(invoice=big, reason="One cabin filter back", quantities={str(cabin.pk): D("1")})
    assert kept() == recount()
    payment_record(invoice=small, amount=D("400.00"), method=Method.CASH)  # part
    payment_record(invoice=small, amount=D("900.00"), method=Method.CARD)  # over by 300
    refund_record(invoice=small, amount=D("100.00"), method=Method.CASH)
    payment_record(invoice=big, amount=D("1000.00"), method=Method.CASH)
    credit_note_issue(invoice=big, reason="All of it back")  # in full: what was paid is now credit
    assert kept() == recount()
    rows = {row.invoice_id: row.balance for row in RunningBalance.objects.all()}
    assert rows == {small.pk: D("-200.00"), big.pk: D("-1000.00"), untouched.pk: D("250.00")}
    assert invoice_balance(invoice=small) == invoice_balance(invoice=small).__class__(
        due=D("1000.00"), paid=D("1200.00"), balance=D("0.00"), credit=D("200.00"))
    assert client_credit(client_id=small.client_id) == D("200.00")


def test_a_credit_note_has_no_row_of_its_own():
    invoice = an_invoice(price="1000.00")
    note = credit_note_issue(invoice=invoice, reason="Goodwill")
    assert not RunningBalance.objects.filter(invoice=note).exists()
    assert RunningBalance.objects.get(invoice=invoice).balance == D("0.00")


@pytest.mark.owner_role  # TRUNCATE is the owner's alone
def test_a_truncated_ledger_leaves_every_invoice_unpaid():
    invoice = an_invoice(price="1000.00")
    payment_record(invoice=invoice, amount=D("600.00"), method=Method.CASH)
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the queued foreign-key checks run first
        cursor.execute("TRUNCATE payments_ledger CASCADE")
    assert kept() == recount()
    assert RunningBalance.objects.get(invoice=invoice).balance == D("1000.00")


@pytest.mark.owner_role  # seed_scale loads as the owner role (TRUNCATE, VACUUM)
def test_kept_balances_follow_seed_scales_bulk_inserts():
    an_invoice(price="1000.00")  # emptied with the shop by the load's TRUNCATE ... CASCADE
    call_command("seed_scale", scale=0.002, no_progress=True, force=True)
    counted = recount()
    assert counted and kept() == counted
    assert RunningBalance.objects.filter(balance__gt=0, received__gt=0).exists()  # part-paid ones too

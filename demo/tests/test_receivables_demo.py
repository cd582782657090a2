"""The demo shop shows who owes what (issue 17): invoices paid, part-paid and overdue, money taken today
by method with a refund, credit held, cars collected and cars still in the yard unpaid; recorded through
the ledger's services, with no receipt or reminder texted while loading history."""

import datetime
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db.models import F
from django.utils import timezone

from billing.models import Invoice
from concierge.workflows.models import Event
from notifications.models import Notification
from payments.models import EntryKind, Payment
from payments.selectors import invoices_with_balance
from reports.selectors.receivables import cars_waiting_unpaid, collected_by_method, receivables_totals
from servicing.models import Service, ServiceCollection, ServiceStatus

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """One demo shop for the module's tests (loading it takes a few seconds), removed afterwards."""
    with django_db_blocker.unblock():
        from django.db import transaction

        with transaction.atomic():
            call_command("seed_demo", clients=40)
            yield
            transaction.set_rollback(True)


def test_the_demo_has_paid_part_paid_and_overdue_invoices(demo):
    today = timezone.localdate()
    invoices = invoices_with_balance()
    assert invoices.filter(paid=F("due")).exists()  # paid in full
    assert invoices.filter(paid__gt=0, balance__gt=0).exists()  # part-paid
    overdue = today - datetime.timedelta(days=settings.INVOICE_OVERDUE_DAYS)
    assert invoices.filter(paid=0, balance__gt=0, issue_date__lte=overdue).exists()  # unpaid and overdue
    assert invoices.filter(balance__lt=0).exists()  # an overpayment held as credit
    totals = receivables_totals(today=today)
    assert totals["owed"] > 0 and totals["credit"] > 0


def test_money_was_taken_today_by_method_with_a_refund(demo):
    rows = {row["method"]: row for row in collected_by_method(day=timezone.localdate())}
    assert rows["M-Pesa"]["received"] > 0 and rows["Cash"]["refunded"] == Decimal("200.00")
    assert Payment.objects.filter(kind=EntryKind.REFUND).count() == 1
    assert not Payment.objects.filter(received_at__gt=timezone.now()).exists()


def test_cars_are_collected_and_some_wait_in_the_yard_unpaid(demo):
    completed = Service.objects.filter(status=ServiceStatus.COMPLETED)
    assert ServiceCollection.objects.exists()
    assert not ServiceCollection.objects.exclude(service__status=ServiceStatus.COMPLETED).exists()
    assert not ServiceCollection.objects.filter(collected_at__date__lt=F("service__completed_date")).exists()
    assert completed.filter(collection__isnull=True).exists()
    assert cars_waiting_unpaid().exists()


def test_loading_the_demo_texts_no_receipt_and_no_reminder(demo):
    assert Payment.objects.count() > Invoice.objects.count() / 2
    assert not Event.objects.filter(processed_at__isnull=True).exists()
    assert not Notification.objects.filter(status="pending").exists()


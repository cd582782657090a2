"""seed_scale's receivables (demo/scale_receivables.py): paid, part-paid and unpaid invoices of every
age, unique M-Pesa codes, the cars handed back but for the yard's; the same seed, the same rows."""

import datetime

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db.models import F
from django.utils import timezone

from payments.models import Payment
from payments.selectors import invoices_with_balance
from reports.selectors.receivables import receivables_totals
from servicing.models import Service, ServiceCollection, ServiceStatus

# seed_scale loads as the owner role (TRUNCATE, VACUUM): the connection is the owner's.
pytestmark = [pytest.mark.django_db, pytest.mark.owner_role]


def test_seed_scale_pays_part_pays_and_leaves_unpaid_and_hands_back_cars():
    call_command("seed_scale", scale=0.002, no_progress=True)
    today = timezone.localdate()
    invoices = invoices_with_balance()
    assert invoices.filter(balance=0).exists() and invoices.filter(paid__gt=0, balance__gt=0).exists()
    overdue = today - datetime.timedelta(days=settings.INVOICE_OVERDUE_DAYS)
    assert invoices.filter(paid=0, balance__gt=0, issue_date__lte=overdue).exists()
    assert not invoices.filter(balance__lt=0).exists()  # no payment above what was due
    totals = receivables_totals(today=today)
    assert all(totals[key] > 0 for key in ("days_0_30", "days_31_60", "days_61_90", "days_90_plus"))
    codes = list(Payment.objects.filter(method="mpesa").values_list("reference", flat=True))
    assert codes and len(set(codes)) == len(codes)
    assert not Payment.objects.filter(received_at__gt=timezone.now()).exists()
    # Every completed job's car is collected, but for the yard: unpaid ones of the last week and some of today's.
    waiting = Service.objects.filter(status=ServiceStatus.COMPLETED, collection__isnull=True)
    assert not waiting.filter(completed_date__lt=today - datetime.timedelta(days=7)).exists()
    assert not ServiceCollection.objects.filter(collected_at__date__lt=F("service__completed_date")).exists()
    # The same seed, the same payments and collections.
    before = sorted(Payment.objects.values_list("id", "amount", "method", "reference"))
    call_command("seed_scale", scale=0.002, no_progress=True, force=True)
    assert sorted(Payment.objects.values_list("id", "amount", "method", "reference")) == before

"""Demo and scale data carry the money side: estimates, declined work, invoices numbered without gaps."""

import pytest
from django.core.management import call_command
from django.db.models import Count, F, OuterRef, Subquery, Sum
from django.utils import timezone

from billing.models import Decision, DocumentCounter, DocumentKind, EstimateLine, Invoice, InvoiceLine
from billing.selectors import invoice_for_service
from billing.tests.scenarios import a_job_with_one_approved_line
from servicing.models import Service, ServiceStatus
from servicing.services import service_complete, service_start

pytestmark = pytest.mark.django_db


def _lines_total():
    return Subquery(InvoiceLine.objects.filter(invoice=OuterRef("pk")).values("invoice")
                    .annotate(t=Sum("total_amount")).values("t"))


def _assert_invoices_consistent():
    invoices = Invoice.objects.filter(kind=DocumentKind.INVOICE)
    numbers = sorted(invoices.values_list("number", flat=True))
    assert numbers == list(range(1, len(numbers) + 1))  # no gap, no repeat
    assert DocumentCounter.objects.get(series=DocumentKind.INVOICE).last_number == len(numbers)
    assert not invoices.exclude(total=_lines_total()).exists()  # totals are the lines' sums
    assert not invoices.exclude(total=F("service__cost")).exists()  # the job's cost is its invoice total
    return len(numbers)


def test_the_demo_shop_has_estimates_declined_work_due_and_an_invoice_per_priced_completed_job():
    call_command("seed_demo", clients=40)
    assert EstimateLine.objects.filter(decision=Decision.PENDING).exists()  # estimates awaiting an answer
    declined = EstimateLine.objects.filter(decision=Decision.DECLINED)
    assert declined.exists() and not declined.filter(follow_up_date=None).exists()
    assert declined.filter(follow_up_date__lte=timezone.localdate()).exists()  # the call list has work
    completed = Service.objects.filter(status=ServiceStatus.COMPLETED).count()
    assert completed == _assert_invoices_consistent()
    # A job completed after the demo is numbered on from it.
    job = a_job_with_one_approved_line()
    service_start(service=job)
    service_complete(service=job)
    assert invoice_for_service(service=job).number == completed + 1


@pytest.mark.owner_role
def test_seed_scale_invoices_every_completed_job_and_sets_the_counter():
    call_command("seed_scale", scale=0.001, no_progress=True)
    completed = Service.objects.filter(status=ServiceStatus.COMPLETED)
    assert completed.count() == _assert_invoices_consistent()
    # The totals written at insert are the lines' own sums, VAT and net too.
    sums = {"tax": ("tax_total", "tax_amount"), "net": ("net_total", "net_amount")}
    for column, line_column in sums.values():
        lines = Subquery(InvoiceLine.objects.filter(invoice=OuterRef("pk")).values("invoice")
                         .annotate(t=Sum(line_column)).values("t"))
        assert not Invoice.objects.exclude(**{column: lines}).exists()
    assert not Invoice.objects.annotate(n=Count("lines")).exclude(n=2).exists()
    # Seeding again over it (--force) numbers from 1 again, the counter with it.
    call_command("seed_scale", scale=0.001, no_progress=True, force=True)
    assert completed.count() == _assert_invoices_consistent()

"""Invoices issued on completion and credit notes. Every expected figure below was worked out by hand
(the working is in the comments), never by the code under test."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from billing.models import DocumentKind, Invoice, TaxCategory
from billing.selectors import invoice_credited_total, invoice_for_service, invoice_tax_breakdown
from billing.services import BillingRefused, credit_note_issue, customer_tax_pin_set
from concierge.accounts.tests.factories import UserFactory
from servicing.models import Service
from servicing.services import service_complete, service_start
from servicing.tests.factories import ServiceFactory

from .scenarios import a_job_priced_in_every_tax_category, a_job_with_one_approved_line

pytestmark = pytest.mark.django_db

D = Decimal


def _complete(job: Service, by=None) -> Invoice:
    service_start(service=job, by=by)
    service_complete(service=job, by=by)
    invoice = invoice_for_service(service=job)
    assert invoice is not None
    return invoice


def test_vat_by_category_on_the_invoice_of_a_completed_job():
    # Approved lines, by hand (prices include VAT; VAT = amount x 16 / 116, to the cent):
    #   labour 2.5 h x 1,800.00 = 4,500.00 - 300.00 discount = 4,200.00; VAT 579.3103 -> 579.31
    #   oil filter 1 x 850.00 = 850.00; VAT 117.2413 -> 117.24
    #   cabin filter 3 x 333.33 = 999.99; VAT 137.9296 -> 137.93
    #   brake fluid 2 x 645.50 = 1,291.00, zero-rated: VAT 0.00
    #   inspection fee 1,500.00, exempt: VAT 0.00
    # Total 4,200.00 + 850.00 + 999.99 + 1,291.00 + 1,500.00 = 8,840.99; VAT 579.31 + 117.24 + 137.93 =
    # 834.48; net 8,840.99 - 834.48 = 8,006.51. At 16 %: 6,049.99 - 834.48 = 5,215.51 net.
    # The declined wiper blades and the unanswered headlight line are not invoiced.
    job = a_job_priced_in_every_tax_category()
    invoice = _complete(job)
    assert (invoice.net_total, invoice.tax_total, invoice.total) == (D("8006.51"), D("834.48"), D("8840.99"))
    assert [(b.tax_category, b.net, b.tax) for b in invoice_tax_breakdown(invoice=invoice)] == [
        (TaxCategory.VAT16, D("5215.51"), D("834.48")),
        (TaxCategory.ZERO_RATED, D("1291.00"), D("0.00")),
        (TaxCategory.EXEMPT, D("1500.00"), D("0.00")),
    ]
    assert [line.description for line in invoice.lines.order_by("position")] == [
        "Full service labour", "Oil filter", "Cabin filter", "Brake fluid DOT4", "Inspection fee",
    ]


def test_the_jobs_cost_becomes_the_invoice_total_in_the_completing_transaction():
    job = a_job_priced_in_every_tax_category()
    _complete(job)
    assert job.cost == D("8840.99")
    assert Service.objects.get(pk=job.pk).cost == D("8840.99")


def test_a_job_without_estimate_lines_gets_no_invoice_and_keeps_its_cost():
    job = ServiceFactory(cost=D("4500.00"))
    service_start(service=job)
    service_complete(service=job)
    assert not Invoice.objects.exists()
    assert Service.objects.get(pk=job.pk).cost == D("4500.00")


def test_invoices_are_numbered_one_after_another(settings):
    jobs = [a_job_with_one_approved_line() for _ in range(3)]
    numbers = [_complete(job).display_number for job in jobs]
    assert numbers == ["INV-000001", "INV-000002", "INV-000003"]


def test_the_invoice_carries_the_shops_and_the_customers_kra_pins(settings):
    settings.SHOP_KRA_PIN = "P051234567X"
    job = a_job_with_one_approved_line()
    customer_tax_pin_set(client=job.vehicle.client, kra_pin=" p000111222q ")
    invoice = _complete(job)
    assert (invoice.shop_kra_pin, invoice.customer_kra_pin) == ("P051234567X", "P000111222Q")
    assert invoice.customer_name == job.vehicle.client.full_name
    assert invoice.vehicle_registration == job.vehicle.license_plate


def test_a_malformed_customer_pin_is_refused_beside_the_field():
    job = ServiceFactory()
    with pytest.raises(ValidationError) as error:
        customer_tax_pin_set(client=job.vehicle.client, kra_pin="12345")
    assert "kra_pin" in error.value.message_dict


def test_a_full_credit_note_credits_every_line_and_numbers_in_its_own_series():
    invoice = _complete(a_job_priced_in_every_tax_category())
    by = UserFactory()
    credit = credit_note_issue(invoice=invoice, reason="Owner disputed the whole job", by=by)
    assert credit.kind == DocumentKind.CREDIT_NOTE and credit.display_number == "CN-000001"
    assert credit.credited_invoice == invoice and credit.issued_by == by
    assert (credit.net_total, credit.tax_total, credit.total) == (D("8006.51"), D("834.48"), D("8840.99"))
    with pytest.raises(BillingRefused):
        credit_note_issue(invoice=invoice, reason="again")


def test_partial_credit_notes_prorate_the_discount_and_add_up_to_the_invoice():
    invoice = _complete(a_job_priced_in_every_tax_category())
    labour, _oil, cabin = invoice.lines.order_by("position")[:3]
    # 1 h of the 2.5 h labour: 1,800.00 - 300.00 x 1/2.5 = 1,800.00 - 120.00 = 1,680.00; VAT 231.7241 -> 231.72.
    # 1 of 3 cabin filters: 333.33; VAT 45.9765 -> 45.98. Total 2,013.33, VAT 277.70, net 1,735.63.
    first = credit_note_issue(
        invoice=invoice, reason="One filter returned, labour overcharged",
        quantities={str(labour.pk): D("1"), str(cabin.pk): D("1")},
    )
    assert (first.net_total, first.tax_total, first.total) == (D("1735.63"), D("277.70"), D("2013.33"))
    # The rest: labour 1.5 h: 2,700.00 - (300.00 - 120.00) = 2,520.00, VAT 347.5862 -> 347.59; cabin
    # 2 x 333.33 = 666.66, VAT 91.9531 -> 91.95; oil 850.00, VAT 117.24; brake fluid 1,291.00; fee 1,500.00.
    # Total 6,827.66, VAT 556.78, net 6,270.88; with the first: 8,840.99 and 834.48, the invoice's.
    rest = credit_note_issue(invoice=invoice, reason="Job written off")
    assert (rest.net_total, rest.tax_total, rest.total) == (D("6270.88"), D("556.78"), D("6827.66"))
    credited = invoice_credited_total(invoice=invoice)
    assert (credited.net, credited.tax, credited.total) == (invoice.net_total, invoice.tax_total, invoice.total)


def test_crediting_more_than_is_left_on_a_line_is_refused_and_writes_nothing():
    invoice = _complete(a_job_priced_in_every_tax_category())
    cabin = invoice.lines.get(description="Cabin filter")
    with pytest.raises(ValidationError) as error:
        credit_note_issue(invoice=invoice, reason="typo", quantities={str(cabin.pk): D("4")})
    assert "quantities" in error.value.message_dict
    assert not Invoice.objects.filter(kind=DocumentKind.CREDIT_NOTE).exists()


def test_a_credit_note_needs_a_reason():
    invoice = _complete(a_job_with_one_approved_line())
    with pytest.raises(ValidationError) as error:
        credit_note_issue(invoice=invoice, reason="  ")
    assert "reason" in error.value.message_dict


def test_the_job_keeps_its_invoice_total_as_cost_after_a_credit_note():
    job = a_job_with_one_approved_line(price="1000.00")
    invoice = _complete(job)  # 1,000.00, VAT included
    credit_note_issue(invoice=invoice, reason="Goodwill")
    assert Service.objects.get(pk=job.pk).cost == D("1000.00")


def test_approved_lines_worth_more_than_a_job_can_cost_refuse_the_completion_and_issue_nothing():
    from billing.services import estimate_line_add, estimate_line_decide
    from servicing.lifecycle import InvalidTransition

    job = ServiceFactory()
    for _ in range(2):  # each 60,000,000.00: fine alone, 120,000,000.00 together
        line = estimate_line_add(service=job, kind="part", description="Engine", quantity=D("1"), unit_price=D("60000000.00"))
        estimate_line_decide(line=line, decision="approved", via="in_person", by=None)
    service_start(service=job)
    with pytest.raises(InvalidTransition):
        service_complete(service=job)
    assert not Invoice.objects.exists()
    assert Service.objects.get(pk=job.pk).status == "in_progress"

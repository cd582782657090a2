"""Named jobs the billing tests start from, built through the services as staff would build them."""

from decimal import Decimal

from billing.models import Decision, DecisionChannel, EstimateLine, LineKind, TaxCategory
from billing.services import estimate_line_add, estimate_line_decide
from servicing.models import Service
from servicing.tests.factories import ServiceFactory


def _line(service: Service, by, description: str, kind: str, quantity: str, price: str, category: str,
          discount: str = "0.00", decision: str | None = None) -> EstimateLine:
    line = estimate_line_add(
        service=service, by=by, kind=kind, description=description, quantity=Decimal(quantity),
        unit_price=Decimal(price), discount=Decimal(discount), tax_category=category,
    )
    if decision:
        estimate_line_decide(line=line, decision=decision, via=DecisionChannel.PHONE, by=by)
    return line


def a_job_priced_in_every_tax_category(by=None, **job_fields) -> Service:
    """Five approved lines in the three categories, one declined and one unanswered (hand-computed
    figures in billing/tests/test_invoices.py)."""
    job = ServiceFactory(service_type="Full Service", cost=Decimal("0.00"), **job_fields)
    approved = Decision.APPROVED
    _line(job, by, "Full service labour", LineKind.LABOUR, "2.5", "1800.00", TaxCategory.VAT16, "300.00", approved)
    _line(job, by, "Oil filter", LineKind.PART, "1", "850.00", TaxCategory.VAT16, decision=approved)
    _line(job, by, "Cabin filter", LineKind.PART, "3", "333.33", TaxCategory.VAT16, decision=approved)
    _line(job, by, "Brake fluid DOT4", LineKind.PART, "2", "645.50", TaxCategory.ZERO_RATED, decision=approved)
    _line(job, by, "Inspection fee", LineKind.PART, "1", "1500.00", TaxCategory.EXEMPT, decision=approved)
    _line(job, by, "Wiper blades", LineKind.PART, "2", "1200.00", TaxCategory.VAT16, decision=Decision.DECLINED)
    _line(job, by, "Headlight restoration", LineKind.LABOUR, "1", "2000.00", TaxCategory.VAT16)
    return job


def a_job_with_one_approved_line(by=None, price: str = "1000.00", **job_fields) -> Service:
    job = ServiceFactory(cost=Decimal("0.00"), **job_fields)
    _line(job, by, "Oil change labour", LineKind.LABOUR, "1", price, TaxCategory.VAT16, decision=Decision.APPROVED)
    return job


def an_invoiced_job(**job_fields) -> Service:
    """A completed job with its invoice: 1,000.00, of which VAT 137.93."""
    from servicing.services import service_complete, service_start

    job = a_job_with_one_approved_line(**job_fields)
    service_start(service=job)
    service_complete(service=job)
    return job

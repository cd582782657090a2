from decimal import Decimal

import pytest

from billing.tests.scenarios import a_job_with_one_approved_line
from notifications.tests.factories import NotificationFactory
from payments.models import Method
from payments.services.ledger import payment_record
from servicing.models import ServiceType
from servicing.services import service_complete, service_start


@pytest.fixture
def catalogue(db):
    # The admin's job form picks the type from the catalogue: the API's does too.
    ServiceType.objects.get_or_create(name="Oil Change")
    ServiceType.objects.get_or_create(name="Brake service")


@pytest.fixture
def shop(db, catalogue):
    """One of every row the API serves: a client and car, a job with an approved estimate line, completed
    and so invoiced, half paid, and a text about it."""
    job = a_job_with_one_approved_line(price="2000.00")
    service_start(service=job)
    service_complete(service=job)
    invoice = job.invoices.get()
    payment = payment_record(invoice=invoice, amount=Decimal("1000.00"), method=Method.CASH, reference="R-1")
    notification = NotificationFactory(service=job)
    job.refresh_from_db()
    return {
        "client": job.vehicle.client, "vehicle": job.vehicle, "service": job, "estimate": job.estimate_lines.get(),
        "invoice": invoice, "payment": payment, "notification": notification,
    }

"""Billing in the client portal: the estimate on the job page, the invoice page and its PDF, each for
the signed-in client only, in English and Swahili."""

import pytest
from django.conf import settings
from django.urls import reverse

from billing.selectors import invoice_for_service
from billing.tests.scenarios import a_job_priced_in_every_tax_category
from clients.portal.services import status_link_url
from clients.portal.tests.conftest import portal_sign_in_as
from servicing.services import service_complete, service_start

pytestmark = pytest.mark.django_db


def _invoiced_job():
    job = a_job_priced_in_every_tax_category()
    service_start(service=job)
    service_complete(service=job)
    return job, invoice_for_service(service=job)


def test_the_job_page_shows_each_line_with_the_owners_answer_and_the_totals(client):
    job = a_job_priced_in_every_tax_category()
    portal_sign_in_as(client, job.vehicle.client)
    page = client.get(reverse("portal:service", args=[job.pk])).content.decode()
    assert "Wiper blades" in page and "decision-declined" in page
    assert "Headlight restoration" in page and "Awaiting your answer" in page
    assert page.count("decision-approved") == 5
    assert "Approved work" in page and "Declined work" in page


def test_the_invoice_page_and_pdf_are_the_signed_in_clients(client):
    job, invoice = _invoiced_job()
    portal_sign_in_as(client, job.vehicle.client)
    service_page = client.get(reverse("portal:service", args=[job.pk])).content.decode()
    assert reverse("portal_billing:invoice", args=[invoice.pk]) in service_page
    page = client.get(reverse("portal_billing:invoice", args=[invoice.pk]))
    assert page.status_code == 200
    assert invoice.display_number in page.content.decode() and "Not transmitted to KRA eTIMS" in page.content.decode()
    pdf = client.get(reverse("portal_billing:invoice_pdf", args=[invoice.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")


def test_client_b_cannot_open_client_as_invoice_or_its_pdf(client):
    _job_a, invoice_a = _invoiced_job()
    job_b, _invoice_b = _invoiced_job()
    portal_sign_in_as(client, job_b.vehicle.client)
    assert client.get(reverse("portal_billing:invoice", args=[invoice_a.pk])).status_code == 404
    assert client.get(reverse("portal_billing:invoice_pdf", args=[invoice_a.pk])).status_code == 404
    # Nor by a malformed or unknown id.
    assert client.get("/portal/invoices/not-a-uuid/").status_code == 404


def test_nobody_signed_in_is_sent_to_the_sign_in_page(client):
    _job, invoice = _invoiced_job()
    response = client.get(reverse("portal_billing:invoice_pdf", args=[invoice.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("portal:sign_in")


def test_the_status_link_shows_the_estimate_and_no_invoice_link(client):
    job, invoice = _invoiced_job()
    url = status_link_url(service=job)
    page = client.get(url.removeprefix(settings.PORTAL_BASE_URL.rstrip("/"))).content.decode()
    assert "Wiper blades" in page and invoice.display_number in page
    assert reverse("portal_billing:invoice", args=[invoice.pk]) not in page
    assert "Sign in to see and download your invoices." in page


def test_the_estimate_and_invoice_read_in_swahili(client):
    job, invoice = _invoiced_job()
    portal_sign_in_as(client, job.vehicle.client)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "sw"
    page = client.get(reverse("portal:service", args=[job.pk])).content.decode()
    assert "Makadirio ya gharama" in page and "Imekataliwa" in page and "Kazi iliyokubaliwa" in page
    page = client.get(reverse("portal_billing:invoice", args=[invoice.pk])).content.decode()
    assert "Ankara ya kodi" in page and "Haijatumwa kwa KRA eTIMS" in page and "Pakua PDF" in page


def test_a_sold_cars_old_estimate_and_invoice_are_its_sellers_not_its_buyers(client):
    from clients.tests.factories import ClientFactory
    from fleet.services import vehicle_client_change
    from fleet.tests.factories import backdate

    job, invoice = _invoiced_job()
    seller, buyer = job.vehicle.client, ClientFactory()
    backdate(job.vehicle, days=20)
    vehicle_client_change(vehicle=job.vehicle, client_id=buyer.pk)

    portal_sign_in_as(client, buyer)
    assert client.get(reverse("portal:service", args=[job.pk])).status_code == 404
    assert client.get(reverse("portal_billing:invoice", args=[invoice.pk])).status_code == 404
    car_page = client.get(reverse("portal:vehicle", args=[job.vehicle.pk])).content.decode()
    assert "Full Service" not in car_page

    portal_sign_in_as(client, seller)
    page = client.get(reverse("portal:service", args=[job.pk])).content.decode()
    assert "Wiper blades" in page and reverse("portal_billing:invoice", args=[invoice.pk]) in page
    assert client.get(reverse("portal_billing:invoice", args=[invoice.pk])).status_code == 200


def test_the_estimate_lines_in_an_export_are_of_the_clients_own_jobs(client):
    import json

    from clients.data_rights.export import client_export_json
    from clients.tests.factories import ClientFactory
    from fleet.services import vehicle_client_change
    from fleet.tests.factories import backdate

    job = a_job_priced_in_every_tax_category()
    seller, buyer = job.vehicle.client, ClientFactory()
    backdate(job.vehicle, days=20)
    vehicle_client_change(vehicle=job.vehicle, client_id=buyer.pk)

    assert len(json.loads(client_export_json(client=seller))["estimate_lines"]) == 7
    assert json.loads(client_export_json(client=buyer))["estimate_lines"] == []

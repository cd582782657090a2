"""Billing's tables are audited like the seed's (database triggers, acting user recorded), and a
client's erasure keeps their invoices, a legal record, while their KRA PIN goes."""

import json
from decimal import Decimal

import pytest

from billing.models import CustomerTaxPin, Decision, DecisionChannel, Invoice
from billing.selectors import invoice_for_service
from billing.services import customer_tax_pin_set, estimate_line_decide, price_list_item_save
from clients.data_rights.services import client_erase
from concierge.accounts.tests.factories import UserFactory
from concierge.audit.context import acting_as
from concierge.audit.models import AuditLog
from servicing.services import service_complete, service_start

from .factories import EstimateLineFactory, PriceListItemFactory
from .scenarios import a_job_with_one_approved_line

pytestmark = pytest.mark.django_db


def test_a_price_change_is_audited_with_who_made_it():
    manager = UserFactory()
    item = PriceListItemFactory(unit_price=Decimal("850.00"))
    with acting_as(manager):
        item.unit_price = Decimal("900.00")
        price_list_item_save(item=item, by=manager)
    row = AuditLog.objects.get(table_name="billing_price_list_items", record_id=item.pk, action="UPDATE")
    assert (row.old_values, row.new_values, row.user_id) == ({"unit_price": 850.0}, {"unit_price": 900.0}, manager.pk)


def test_estimate_lines_invoices_and_their_lines_are_audited():
    staff = UserFactory()
    line = EstimateLineFactory()
    with acting_as(staff):
        estimate_line_decide(line=line, decision=Decision.APPROVED, via=DecisionChannel.IN_PERSON, by=staff)
    answer = AuditLog.objects.get(table_name="billing_estimate_lines", record_id=line.pk, action="UPDATE")
    assert answer.new_values["decision"] == "approved" and answer.user_id == staff.pk
    service_start(service=line.service)
    service_complete(service=line.service)
    invoice = invoice_for_service(service=line.service)
    assert AuditLog.objects.filter(table_name="billing_invoices", record_id=invoice.pk, action="INSERT").exists()
    assert AuditLog.objects.filter(table_name="billing_invoice_lines", action="INSERT").count() == 1


def test_the_kra_pin_is_never_written_into_the_audit_trail():
    job = a_job_with_one_approved_line()
    pin = customer_tax_pin_set(client=job.vehicle.client, kra_pin="A012345678Z")
    rows = AuditLog.objects.filter(table_name="billing_customer_tax_pins", record_id=pin.pk)
    assert rows.exists()
    assert "A012345678Z" not in json.dumps([[r.old_values, r.new_values] for r in rows])


def test_erasure_keeps_the_invoice_and_removes_the_pin_on_file():
    job = a_job_with_one_approved_line()
    client = job.vehicle.client
    customer_tax_pin_set(client=client, kra_pin="A012345678Z")
    service_start(service=job)
    service_complete(service=job)
    name = client.full_name

    client_erase(client=client, by=UserFactory())

    invoice = Invoice.objects.get(service=job)
    assert (invoice.customer_name, invoice.customer_kra_pin, invoice.total) == (name, "A012345678Z", Decimal("1000.00"))
    assert not CustomerTaxPin.objects.filter(client=client).exists()


def test_the_access_request_export_holds_the_clients_invoices_estimate_lines_and_pin():
    from clients.data_rights.export import client_export_html, client_export_json

    job = a_job_with_one_approved_line()
    client = job.vehicle.client
    customer_tax_pin_set(client=client, kra_pin="A012345678Z")
    service_start(service=job)
    service_complete(service=job)
    other = a_job_with_one_approved_line()  # another client's job and invoice stay out
    service_start(service=other)
    service_complete(service=other)

    data = json.loads(client_export_json(client=client))
    invoice = Invoice.objects.get(service=job)
    assert [(d["number"], d["total"]) for d in data["invoices"]] == [(invoice.display_number, "1000.00")]
    assert [line["decision"] for line in data["estimate_lines"]] == ["Approved"]
    assert [pin["kra_pin"] for pin in data["kra_pin"]] == ["A012345678Z"]
    page = client_export_html(client=client)
    assert "Invoices and credit notes (1)" in page and invoice.display_number in page

"""Billing's part of a client's access-request export (clients/data_rights/sections.py): the invoices
and credit notes issued to them, the estimate lines of their jobs, and the KRA PIN on file."""

from typing import Any

from clients.data_rights.sections import export_section_register
from fleet.selectors import owned_by_at
from servicing.models import Service

from .models import CustomerTaxPin, EstimateLine, Invoice


def _documents(client: Any) -> list[dict[str, Any]]:
    return [
        {
            "kind": doc.get_kind_display(), "number": doc.display_number, "issue_date": doc.issue_date,
            "customer_name": doc.customer_name, "customer_kra_pin": doc.customer_kra_pin,
            "vehicle_registration": doc.vehicle_registration, "net_total": doc.net_total,
            "tax_total": doc.tax_total, "total": doc.total, "currency": doc.currency,
        }
        for doc in Invoice.objects.filter(client=client).order_by("issue_date", "kind", "number")
    ]


def _estimate_lines(client: Any) -> list[dict[str, Any]]:
    # Their jobs' lines: the jobs made while the car was theirs (a car bought second-hand brings none).
    jobs = Service.objects.filter(owned_by_at(client_id=client.pk)).values("pk")
    lines = EstimateLine.objects.filter(service__in=jobs).order_by("service__created_at", "position")
    return [
        {
            "service_id": line.service_id, "description": line.description, "quantity": line.quantity,
            "unit_price": line.unit_price, "total": line.total_amount, "decision": line.get_decision_display(),
            "decided_at": line.decided_at, "decided_via": line.get_decided_via_display(),
            "follow_up_date": line.follow_up_date,
        }
        for line in lines
    ]


def _tax_pin(client: Any) -> list[dict[str, Any]]:
    return [{"kra_pin": pin.kra_pin, "updated_at": pin.updated_at} for pin in CustomerTaxPin.objects.filter(client=client)]


def register() -> None:
    export_section_register(key="invoices", title="Invoices and credit notes", rows_for=_documents)
    export_section_register(key="estimate_lines", title="Estimate lines", rows_for=_estimate_lines)
    export_section_register(key="kra_pin", title="KRA PIN on file", rows_for=_tax_pin)

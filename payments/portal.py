"""Payments in the client portal (read-only): on a job's page, each of its invoices with paid and
balance, the payments received (with M-Pesa receipt codes) and how to pay the rest by Paybill.
Everything is read through billing's portal_invoices, i.e. the portal's PortalScope: the signed-in
client's own jobs. A status link (not signed in) shows the balance and how to pay, not the payments."""

from typing import Any

from django.conf import settings

from billing.models import DocumentKind
from billing.portal import portal_invoices
from clients.portal.panels import service_panel_register
from clients.portal.selectors import PortalScope
from servicing.models import Service

from .selectors import invoice_payments, invoices_with_balance


def service_panel(scope: PortalScope, service: Service) -> tuple[str, dict[str, Any]] | None:
    invoices: list[Any] = list(invoices_with_balance(
        queryset=portal_invoices(scope=scope).filter(service=service, kind=DocumentKind.INVOICE)).order_by("number"))
    if not invoices:
        return None
    signed_in = scope.service is None
    rows = [{"invoice": invoice, "paid": invoice.paid, "balance": max(invoice.balance, 0),
             "credit": max(-invoice.balance, 0),
             "payments": list(invoice_payments(invoice=invoice)) if signed_in else []} for invoice in invoices]
    return "payments/portal/_service_panel.html", {
        "rows": rows, "paybill": settings.MPESA_SHORTCODE, "signed_in": signed_in,
    }


def register() -> None:
    service_panel_register(service_panel)

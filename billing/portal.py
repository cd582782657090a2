"""Billing in the client portal (read-only): the estimate and invoices on a job's page, the invoice
page and its PDF. Every read goes through the portal's PortalScope (clients/portal/selectors.py): a
signed-in client's jobs, or a status link's one job; an id outside it is a 404."""

import uuid
from typing import Any

from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.views.generic import TemplateView

from clients.portal.panels import service_panel_register
from clients.portal.selectors import PortalScope
from clients.portal.views import PortalPageMixin
from servicing.models import Service

from .documents import filename_for, printed_document
from .models import EstimateLine, Invoice
from .pdf import document_pdf
from .selectors import estimate_summary


def portal_invoices(*, scope: PortalScope) -> "QuerySet[Invoice]":
    """The documents issued to the scope's client (for a status link: of its one job)."""
    qs = Invoice.objects.filter(client=scope.client, service__in=scope.services()).select_related("credited_invoice")
    return qs


def portal_estimate_lines(*, scope: PortalScope, service: Service) -> "QuerySet[EstimateLine]":
    return EstimateLine.objects.filter(service__in=scope.services().filter(pk=service.pk)).order_by("position", "created_at")


def portal_invoice(*, scope: PortalScope, invoice_id: uuid.UUID | str) -> Invoice:
    try:
        return portal_invoices(scope=scope).get(pk=invoice_id)
    except (Invoice.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def service_panel(scope: PortalScope, service: Service) -> tuple[str, dict[str, Any]] | None:
    """The job page's estimate and invoice section, or None for a job priced the old way."""
    lines = list(portal_estimate_lines(scope=scope, service=service))
    documents = list(portal_invoices(scope=scope).filter(service=service).order_by("kind", "number"))
    if not lines and not documents:
        return None
    return "billing/portal/_service_panel.html", {
        "lines": lines, "summary": estimate_summary(service=service) if lines else None,
        "documents": documents, "status_link": scope.service is not None,
    }


def register() -> None:
    service_panel_register(service_panel)


class InvoiceDetailView(PortalPageMixin, TemplateView):
    """One invoice or credit note of the signed-in client, read-only."""

    template_name = "billing/portal/invoice.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        invoice = portal_invoice(scope=self.scope, invoice_id=self.kwargs["pk"])
        document = printed_document(invoice=invoice)
        return super().get_context_data(document=document, invoice=invoice, **kwargs)


class InvoicePdfView(PortalPageMixin, TemplateView):
    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        invoice = portal_invoice(scope=self.scope, invoice_id=self.kwargs["pk"])
        response = HttpResponse(document_pdf(document=printed_document(invoice=invoice)), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{filename_for(invoice=invoice)}"'
        return response

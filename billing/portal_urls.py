"""Billing's portal pages, under /portal/ (concierge/urls.py) beside the portal's own."""

from django.urls import path

from . import portal

app_name = "portal_billing"

urlpatterns = [
    path("invoices/<uuid:pk>/", portal.InvoiceDetailView.as_view(), name="invoice"),
    path("invoices/<uuid:pk>/pdf/", portal.InvoicePdfView.as_view(), name="invoice_pdf"),
]

"""Billing's staff pages, under /admin/billing/ (concierge/urls.py, before the admin's own), each behind
the admin's staff sign-in (admin.site.admin_view: signed in, staff, second factor, never cached)."""

from django.contrib import admin
from django.urls import path

from . import views

app_name = "billing"

urlpatterns = [
    path("documents/<uuid:pk>/print/", admin.site.admin_view(views.invoice_print), name="invoice_print"),
    path("documents/<uuid:pk>/pdf/", admin.site.admin_view(views.invoice_pdf), name="invoice_pdf"),
    path("jobs/<uuid:service_id>/estimate/", admin.site.admin_view(views.job_estimate), name="job_estimate"),
    path("jobs/<uuid:service_id>/send-estimate/", admin.site.admin_view(views.estimate_send_view),
         name="estimate_send"),
    path("jobs/<uuid:service_id>/add-declined-work/", admin.site.admin_view(views.declined_work_add_view),
         name="declined_work_add"),
]

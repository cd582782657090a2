"""Staff pages of billing: the printable invoice / credit note (A4 or 80 mm receipt) and its PDF, and
the "Send estimate" action on a job. Behind the admin's staff sign-in (billing/urls.py); each checks
its own permission, so a staff member without it gets 403."""

import uuid

from django.contrib import admin, messages
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_POST

from notifications.models import NotificationStatus
from servicing.models import PRICE_VIEW_PERMISSION, Service, ServiceStatus

from .documents import document_queryset, filename_for, printed_document
from .pdf import document_pdf
from .models import Invoice
from .selectors import declined_work_on_car, estimate_lines, estimate_summary
from .services import BillingRefused, declined_work_add_to_job
from .sending import CHANNELS, EstimateNotSent, estimate_last_message, estimate_send

VIEW_INVOICE = "billing.view_invoice"
# Sending the estimate is part of pricing the job: whoever may change its lines may send it.
SEND_ESTIMATE = "billing.change_estimateline"
ADD_LINE = "billing.add_estimateline"
CLOSED = (ServiceStatus.COMPLETED, ServiceStatus.CANCELLED)
LAYOUTS = ("a4", "receipt")


def _document(request: HttpRequest, pk: uuid.UUID):
    if not request.user.has_perm(VIEW_INVOICE):
        raise PermissionDenied
    return printed_document(invoice=get_object_or_404(document_queryset(), pk=pk))


def invoice_print(request: HttpRequest, pk: uuid.UUID) -> TemplateResponse:
    document = _document(request, pk)
    layout = request.GET.get("layout", "a4")
    if layout not in LAYOUTS:
        layout = "a4"
    return TemplateResponse(request, "billing/invoice_print.html", {
        "document": document, "invoice": document.invoice, "layout": layout,
        "pdf_url": reverse("billing:invoice_pdf", args=[pk]),
    })


def invoice_pdf(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    document = _document(request, pk)
    response = HttpResponse(document_pdf(document=document), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename_for(invoice=document.invoice)}"'
    return response


def job_estimate(request: HttpRequest, service_id: uuid.UUID) -> TemplateResponse:
    """A job's estimate for staff: its lines and the owner's answers, its invoice(s), and the "Send
    estimate" form, which posts the last estimate message shown (one send per press)."""
    # Technicians may see which lines were approved (the job page), not what they cost: this page is priced.
    if not request.user.has_perms(("billing.view_estimateline", PRICE_VIEW_PERMISSION)):
        raise PermissionDenied
    service = get_object_or_404(Service.objects.select_related("vehicle__client"), pk=service_id)
    context = {
        **admin.site.each_context(request),
        "title": f"Estimate · {service.vehicle.license_plate or service.vehicle.vin} · {service.service_type}",
        "service": service,
        "lines": list(estimate_lines(service=service)),
        "summary": estimate_summary(service=service),
        "documents": list(Invoice.objects.filter(service=service).order_by("kind", "number")),
        "last_sent": estimate_last_message(service=service),
        "can_send": request.user.has_perm(SEND_ESTIMATE) and service.status not in CLOSED,
        "can_print": request.user.has_perm(VIEW_INVOICE),
        "channels": CHANNELS,
        "declined_earlier": list(declined_work_on_car(service=service)),
        "can_add_declined": request.user.has_perm(ADD_LINE) and service.status not in CLOSED,
    }
    return TemplateResponse(request, "billing/job_estimate.html", context)


@require_POST
def estimate_send_view(request: HttpRequest, service_id: uuid.UUID) -> HttpResponseRedirect:
    """The job page's "Send estimate" button. The form posts the last estimate message it knew of:
    a second press of the same page finds one newer and sends nothing (billing/sending.py)."""
    if not request.user.has_perm(SEND_ESTIMATE):
        raise PermissionDenied
    service = get_object_or_404(Service.objects.select_related("vehicle__client"), pk=service_id)
    back = HttpResponseRedirect(reverse("billing:job_estimate", args=[service.pk]))
    by = request.user if isinstance(request.user, AbstractBaseUser) else None
    try:
        result = estimate_send(
            service=service, channel=request.POST.get("channel", ""), by=by,
            last_seen=request.POST.get("last_sent") or None,
        )
    except EstimateNotSent as refused:
        messages.error(request, str(refused))
        return back
    if result.sent and result.notification.status == NotificationStatus.FAILED:
        # Written as failed at once (no phone or email on file): say so, not "sent".
        messages.error(request, f"The estimate could not be sent: {result.notification.error}.")
    elif result.sent:
        messages.success(request, f"Estimate sent to the owner by {result.notification.get_channel_display()}.")
    else:
        messages.warning(request, "The estimate was already sent from this page: it was not sent again.")
    return back


@require_POST
def declined_work_add_view(request: HttpRequest, service_id: uuid.UUID) -> HttpResponseRedirect:
    """"Add to this job" beside the car's earlier declined work: one new line awaiting the owner's
    answer. A second press (or the work already on this estimate) adds nothing and says so."""
    if not request.user.has_perm(ADD_LINE):
        raise PermissionDenied
    service = get_object_or_404(Service, pk=service_id)
    back = HttpResponseRedirect(reverse("billing:job_estimate", args=[service.pk]))
    try:
        line_id = uuid.UUID(request.POST.get("line", ""))
    except ValueError:
        messages.error(request, "Choose the declined work to add.")
        return back
    declined = declined_work_on_car(service=service).filter(pk=line_id).first()
    if declined is None:
        messages.warning(request, "That declined work is no longer open on this car: nothing was added.")
        return back
    by = request.user if isinstance(request.user, AbstractBaseUser) else None
    try:
        added = declined_work_add_to_job(line=declined, service=service, by=by)
    except BillingRefused as refused:
        messages.error(request, str(refused))
        return back
    if added is None:
        messages.warning(request, f"“{declined.description}” is already on this job's estimate: nothing was added.")
    else:
        messages.success(request, f"“{added.description}” added to the estimate, awaiting the owner's answer.")
    return back

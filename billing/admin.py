"""Billing in the staff admin: the price list (managers), customers' KRA PINs, the estimate on the job
page (lines, the owner's answer per line), invoices and credit notes (view-only; a credit note is the
only correction). Every write goes through billing.services.

The job page is servicing's ServiceAdmin with the estimate added: re-registered here as a subclass,
so servicing never imports billing.
"""

from decimal import Decimal
from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from concierge.accounts.models import User
from concierge.admin.bad_input import ReadableAutocompleteMixin
from concierge.admin.changelists import LargeTableAdminMixin
from concierge.admin.readonly import ViewOnlyAdminMixin
from concierge.audit.admin_mixins import AuditHistoryMixin
from servicing.admin import ServiceAdmin
from servicing.models import PRICE_VIEW_PERMISSION, Service

from .forms import CreditNoteForm, EstimateLineForm
from .models import CustomerTaxPin, Decision, DocumentKind, EstimateLine, Invoice, InvoiceLine, PriceListItem
from .selectors import estimate_summary, invoice_credited_quantities, invoice_for_service
from .services import (
    EDITABLE_FIELDS,
    BillingRefused,
    credit_note_issue,
    customer_tax_pin_set,
    estimate_line_add,
    estimate_line_decide,
    estimate_line_remove,
    estimate_line_update,
    price_list_item_save,
)

DECIDE_PERMISSION = "billing.record_estimate_decision"


def _staff(request: HttpRequest) -> User:
    """The signed-in staff member (the admin lets no one else this far)."""
    assert isinstance(request.user, User)
    return request.user

CREDIT_PERMISSION = "billing.issue_credit_note"
PRICE_COLUMNS = ("unit_price", "unit_cost", "discount", "tax_category", "net_amount", "tax_amount", "total_amount")


@admin.register(PriceListItem)
class PriceListItemAdmin(AuditHistoryMixin, admin.ModelAdmin):
    """The priced catalogue. Managers keep it; an item is retired (Active unticked), never deleted:
    estimates copied its prices, and its history is the audit trail of every price change."""

    list_display = ("description", "service_type", "kind", "part_number", "standard_hours", "hourly_rate",
                    "unit_price", "tax_category", "active")
    list_filter = ("service_type", "kind", "tax_category", "active")
    list_select_related = ("service_type",)
    search_fields = ("description", "part_number", "service_type__name")
    fields = ("service_type", "kind", "description", "part_number", "standard_hours", "hourly_rate", "unit_price",
              "unit_cost", "tax_category", "active")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: PriceListItem, form: Any, change: bool) -> None:
        price_list_item_save(item=obj, by=_staff(request))


@admin.register(CustomerTaxPin)
class CustomerTaxPinAdmin(AuditHistoryMixin, admin.ModelAdmin):
    """A client's KRA PIN, printed on invoices issued after it is set."""

    list_display = ("client",)
    list_select_related = ("client",)
    search_fields = ("client__first_name", "client__last_name")
    autocomplete_fields = ("client",)
    fields = ("client", "kra_pin")

    def save_model(self, request: HttpRequest, obj: CustomerTaxPin, form: Any, change: bool) -> None:
        saved = customer_tax_pin_set(client=obj.client, kra_pin=obj.kra_pin, by=_staff(request))
        if saved is not None:
            obj.pk = saved.pk


class EstimateLineFormSet(BaseInlineFormSet):
    """The estimate's rows on the job page. A post that does not carry them at all (no management
    form: a client or a test posting the job's own fields, as before estimates existed) leaves the
    estimate as it is, instead of refusing the whole job form."""

    def _estimate_absent(self) -> bool:
        return self.is_bound and f"{self.prefix}-TOTAL_FORMS" not in self.data

    def total_form_count(self) -> int:
        return 0 if self._estimate_absent() else super().total_form_count()

    def initial_form_count(self) -> int:
        return 0 if self._estimate_absent() else super().initial_form_count()

    def full_clean(self) -> None:
        if self._estimate_absent():
            self._errors: list = []
            self._non_form_errors = self.error_class()
            return
        super().full_clean()


class EstimateLineInline(ReadableAutocompleteMixin, admin.TabularInline):
    model = EstimateLine
    formset = EstimateLineFormSet
    fk_name = "service"
    form = EstimateLineForm
    extra = 0
    autocomplete_fields = ("price_list_item",)
    verbose_name = "estimate line"
    verbose_name_plural = "estimate"

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = ["position", "price_list_item", "kind", "description", "part_number", "quantity", "unit_price",
                  "unit_cost", "discount", "tax_category", "net_amount", "tax_amount", "total_amount"]
        if self.has_change_permission(request, obj) and request.user.has_perm(DECIDE_PERMISSION):
            fields += ["answer", "answered_how", "follow_up", "answer_seen", "answered"]
        else:
            fields += ["answered"]
        # Technicians see what was approved (work starts only on those lines), not what it costs.
        if not request.user.has_perm(PRICE_VIEW_PERMISSION):
            fields = [f for f in fields if f not in PRICE_COLUMNS]
        return fields

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return ["net_amount", "tax_amount", "total_amount", "answered"]

    @admin.display(description="answer recorded")
    def answered(self, line: EstimateLine) -> str:
        if line._state.adding or line.decision == Decision.PENDING:
            return "awaiting the owner"
        by = line.decided_by.get_full_name() if line.decided_by else "system"
        if line.decided_at is None:
            return Decision(line.decision).label
        when = timezone.localtime(line.decided_at)  # the shop's time (Africa/Nairobi), day first
        return f"{Decision(line.decision).label} · {line.get_decided_via_display()} · {when:%d/%m/%Y %H:%M} · {by}"

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).select_related("decided_by", "price_list_item")


# The job page with its estimate: servicing's ServiceAdmin, with the estimate lines, the estimate's
# totals and the job's invoice. Registered in its place.
admin.site.unregister(Service)


@admin.register(Service)
class BilledServiceAdmin(ServiceAdmin):
    inlines = [*ServiceAdmin.inlines, EstimateLineInline]

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        fieldsets = list(super().get_fieldsets(request, obj))
        if obj is not None and request.user.has_perm(PRICE_VIEW_PERMISSION):
            fieldsets.append(("Estimate and invoice", {"fields": ("estimate_totals", "invoice_link", "estimate_page")}))
        return fieldsets

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        readonly = list(super().get_readonly_fields(request, obj)) + ["estimate_totals", "invoice_link", "estimate_page"]
        # An invoiced job's cost is its invoice's total (kept by the same transaction): not typed over.
        if obj is not None and "cost" not in readonly and invoice_for_service(service=obj) is not None:
            readonly.append("cost")
        return readonly

    @admin.display(description="estimate (KES, VAT included)")
    def estimate_totals(self, service: Service) -> str:
        summary = estimate_summary(service=service)
        if not summary.line_count:
            return "No estimate lines: the job is priced by its cost alone."
        return (f"{summary.all.total:,.2f} in all · approved {summary.approved.total:,.2f} · "
                f"declined {summary.declined.total:,.2f} · awaiting the owner {summary.pending.total:,.2f}")

    @admin.display(description="invoice")
    def invoice_link(self, service: Service) -> str:
        invoice = invoice_for_service(service=service)
        if invoice is None:
            return "Issued when the job is completed, from its approved lines."
        return format_html('<a href="{}">{} · KES {}</a>', reverse("admin:billing_invoice_change", args=[invoice.pk]),
                           invoice.display_number, f"{invoice.total:,.2f}")

    @admin.display(description="send and print")
    def estimate_page(self, service: Service) -> str:
        # billing/views.py (billing-ui): the estimate as sent, "Send estimate", the printable invoice.
        return format_html('<a class="button" href="{}">Send estimate · print invoice</a>',
                           reverse("billing:job_estimate", args=[service.pk]))

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        if formset.model is not EstimateLine:
            super().save_formset(request, form, formset, change)
            return
        service, by = form.instance, _staff(request)
        # What the admin's change message and log entry read (formset.save() would set them).
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for line_form in formset.deleted_forms:
            if not line_form.instance._state.adding:
                estimate_line_remove(line=line_form.instance, by=by)
                formset.deleted_objects.append(line_form.instance)
        for line_form in formset.forms:
            if line_form in formset.deleted_forms or not line_form.has_changed():
                continue
            data = line_form.cleaned_data
            line = line_form.instance
            if line._state.adding:
                line = estimate_line_add(
                    service=service, by=by, price_list_item=data.get("price_list_item"), kind=data.get("kind"),
                    description=data.get("description"), part_number=data.get("part_number"),
                    quantity=data.get("quantity"), unit_price=data.get("unit_price"), unit_cost=data.get("unit_cost"),
                    discount=data.get("discount") or Decimal("0.00"), tax_category=data.get("tax_category"),
                )
                formset.new_objects.append(line)
            else:
                changed = [name for name in line_form.changed_data if name in EDITABLE_FIELDS]
                if changed:
                    estimate_line_update(line=line, fields=changed, by=by)
                formset.changed_objects.append((line, line_form.changed_data))
            answer = data.get("answer")
            if answer and (answer != line_form.answer_before or "follow_up" in line_form.changed_data):
                if not request.user.has_perm(DECIDE_PERMISSION):
                    raise PermissionDenied
                estimate_line_decide(
                    line=line, decision=answer, via=data["answered_how"] or line.decided_via, by=by,
                    follow_up_date=data.get("follow_up"), expected=data.get("answer_seen") or Decision.PENDING,
                )

    def changeform_view(self, request: HttpRequest, object_id: str | None = None, form_url: str = "",
                        extra_context: dict | None = None) -> HttpResponse:
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except (BillingRefused, ValidationError) as error:
            # Raised inside the admin's transaction: everything of this save was rolled back.
            text = "; ".join(error.messages) if isinstance(error, ValidationError) else str(error)
            self.message_user(request, f"Nothing saved: {text}", messages.ERROR)
            return redirect(request.get_full_path())


class InvoiceLineInline(admin.TabularInline):
    model = InvoiceLine
    fk_name = "invoice"
    extra = 0

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # The invoice's own view permission covers its lines (no separate grant for a part of it).
        return request.user.has_perm("billing.view_invoice")
    fields = ("position", "kind", "description", "part_number", "quantity", "unit_price", "discount", "tax_category",
              "tax_rate", "net_amount", "tax_amount", "total_amount")
    readonly_fields = fields
    can_delete = False


@admin.register(Invoice)
class InvoiceAdmin(ViewOnlyAdminMixin, LargeTableAdminMixin, admin.ModelAdmin):
    """Invoices and credit notes as issued: nobody changes one (the database refuses it too). A
    manager corrects an invoice by issuing a credit note against it (button on the invoice's page).

    One per completed job: a million at scale 10. LargeTableAdminMixin counts it by the planner's
    estimate (filtered: exactly up to a bound) and finds the date drill-down's years by one index
    probe each, where Django's counted every row twice and ran SELECT DISTINCT DATE_TRUNC over them
    (151 → ~27 ms at scale 10). The rows stay Django's own: the quick rows (QuickRowsAdminMixin) took
    it to 18 ms, but the page meets its target without that fork (docs/admin-at-scale.md).
    """

    list_display = ("display_number", "kind", "issue_date", "customer_name", "vehicle_registration", "total")
    list_filter = ("kind", "issue_date")
    search_fields = ("customer_name", "vehicle_registration")
    date_hierarchy = "issue_date"
    inlines = [InvoiceLineInline]
    fields = ("display_number", "kind", "credited_invoice", "issue_date", "issued_by", "service", "shop_name",
              "shop_kra_pin", "customer_name", "customer_kra_pin", "vehicle_registration", "reason", "net_total",
              "tax_total", "total", "print_links", "credit_note_action")
    readonly_fields = fields

    def get_fields(self, request: HttpRequest, obj: Invoice | None = None) -> Any:
        fields = super().get_fields(request, obj)
        if request.user.has_perm(CREDIT_PERMISSION):
            return fields
        # The button leads to a form only managers may use: the front desk was shown it, then refused.
        return [name for name in fields if name != "credit_note_action"]

    @admin.display(description="number", ordering="number")
    def display_number(self, invoice: Invoice) -> str:
        return invoice.display_number

    @admin.display(description="print")
    def print_links(self, invoice: Invoice) -> str:
        # billing/views.py (billing-ui): A4, 80 mm receipt, PDF.
        page = reverse("billing:invoice_print", args=[invoice.pk])
        return format_html('<a href="{}">A4</a> · <a href="{}?layout=receipt">80 mm receipt</a> · <a href="{}">PDF</a>',
                           page, page, reverse("billing:invoice_pdf", args=[invoice.pk]))

    @admin.display(description="correction")
    def credit_note_action(self, invoice: Invoice) -> str:
        if invoice.kind != DocumentKind.INVOICE:
            return "—"
        return format_html('<a class="button" href="{}">Issue a credit note</a>',
                           reverse("admin:billing_invoice_credit_note", args=[invoice.pk]))

    def get_urls(self) -> list:
        return [
            path("<uuid:invoice_id>/credit-note/", self.admin_site.admin_view(self.credit_note_view),
                 name="billing_invoice_credit_note"),
            *super().get_urls(),
        ]

    def credit_note_view(self, request: HttpRequest, invoice_id: str) -> HttpResponse:
        if not request.user.has_perm(CREDIT_PERMISSION):
            raise PermissionDenied
        invoice = get_object_or_404(Invoice, pk=invoice_id, kind=DocumentKind.INVOICE)
        credited = invoice_credited_quantities(invoice=invoice)
        lines = [(line, line.quantity - credited.get(str(line.pk), (Decimal("0"), Decimal("0")))[0])
                 for line in invoice.lines.order_by("position")]
        lines = [(line, remaining) for line, remaining in lines if remaining > 0]
        form = CreditNoteForm(request.POST or None, lines=lines)
        if request.method == "POST" and form.is_valid():
            try:
                with transaction.atomic():
                    credit = credit_note_issue(invoice=invoice, reason=form.cleaned_data["reason"],
                                               quantities=form.quantities(), by=_staff(request))
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    form.add_error(None if field not in form.fields else field, errors)
            except BillingRefused as error:
                form.add_error(None, str(error))
            else:
                self.message_user(request, f"{credit.display_number} issued against {invoice.display_number}.",
                                  messages.SUCCESS)
                return redirect("admin:billing_invoice_change", credit.pk)
        context = {
            **self.admin_site.each_context(request), "title": f"Credit note against {invoice.display_number}",
            "opts": self.opts, "invoice": invoice, "form": form, "nothing_left": not lines,
        }
        return TemplateResponse(request, "admin/billing/invoice/credit_note.html", context)

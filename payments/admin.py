"""Payments in the staff admin (docs/payments.md, "What staff see").

- The invoice page (billing's InvoiceAdmin, re-registered here as a subclass so billing never imports
  payments) shows due / paid / balance, the ledger rows and M-Pesa requests with what happened in
  words, and the buttons: Record a payment, Request M-Pesa payment (only when M-Pesa is configured),
  Record a refund (managers).
- The ledger, M-Pesa requests and callbacks are read-only lists (the callbacks list, filtered on
  "refused", is where forged or odd callbacks are logged for staff).
- Unmatched payments: Paybill payments waiting for an invoice, assigned in one click.
Every write goes through payments.services.
"""

import uuid
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from billing.admin import InvoiceAdmin
from billing.models import DocumentKind, Invoice
from concierge.accounts.models import User
from concierge.admin.readonly import ViewOnlyAdminMixin
from concierge.audit.admin_mixins import AuditHistoryMixin

from .forms import AssignForm, MpesaRequestForm, PaymentForm, RefundForm
from .models import EntryKind, MpesaCallback, MpesaRequest, PaybillPayment, PaybillState, Payment
from .selectors import invoice_balance, invoice_payments
from .services import PaymentRefused, payment_record, refund_record
from .services.mpesa import mpesa_configured, mpesa_request_create
from .services.paybill import invoice_number_in, paybill_payment_assign

RECORD_PERMISSION = "payments.record_payment"
REFUND_PERMISSION = "payments.record_refund"


def _staff(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _errors_onto(form: Any, error: ValidationError) -> None:
    for field, errors in error.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


admin.site.unregister(Invoice)


@admin.register(Invoice)
class InvoiceWithPaymentsAdmin(InvoiceAdmin):
    fields = (*InvoiceAdmin.fields, "money_received", "payment_actions")  # type: ignore[assignment]
    readonly_fields = fields  # type: ignore[assignment]

    @admin.display(description="payments")
    def money_received(self, invoice: Invoice) -> str:
        if invoice.kind != DocumentKind.INVOICE:
            return "—"
        figures = invoice_balance(invoice=invoice)
        summary = format_html(
            '<p id="paid-summary"><strong>Due</strong> KES {} · <strong>Paid</strong> KES {} · '
            '<strong>Balance</strong> KES {}{}</p>',
            f"{figures.due:,}", f"{figures.paid:,}", f"{figures.balance:,}",
            format_html(" · <strong>Credit</strong> KES {}", f"{figures.credit:,}") if figures.credit else "",
        )
        rows = format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>", (
            (p.received_at.strftime("%d/%m/%Y %H:%M"), p.get_method_display(), p.get_kind_display(),
             f"{'-' if p.kind == EntryKind.REFUND else ''}{p.amount:,}", p.reference or "—")
            for p in invoice_payments(invoice=invoice)
        ))
        ledger = format_html('<table id="payments"><tr><th>received</th><th>method</th><th>kind</th>'
                             '<th>KES</th><th>reference</th></tr>{}</table>', rows) if rows else ""
        requests = format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>", (
            (r.created_at.strftime("%d/%m/%Y %H:%M"), f"{r.amount:,}", r.phone_masked, r.get_state_display(),
             f"{r.status_message} {r.receipt_number}".strip())
            for r in invoice.mpesa_requests.order_by("-created_at")[:10]
        ))
        mpesa = format_html('<table id="mpesa-requests"><tr><th>asked</th><th>KES</th><th>phone</th><th>state</th>'
                            '<th>what happened</th></tr>{}</table>', requests) if requests else ""
        return format_html("{}{}{}", summary, ledger, mpesa)

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # Each member of staff sees only the buttons they may press: refunds are managers'; someone who
        # may record no payment gets none (a button that ends on a 403 page is a trap).
        fields = [f for f in super().get_fields(request, obj) if f != "payment_actions"]
        if request.user.has_perm(REFUND_PERMISSION):
            fields.append("payment_and_refund_actions")
        elif request.user.has_perm(RECORD_PERMISSION):
            fields.append("payment_actions")
        return fields

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return (*super().get_readonly_fields(request, obj), "payment_and_refund_actions")

    def _action_buttons(self, invoice: Invoice, *, refund: bool) -> str:
        if invoice.kind != DocumentKind.INVOICE:
            return "—"
        buttons = [format_html('<a class="button" href="{}">Record a payment</a>',
                               reverse("admin:billing_invoice_payment", args=[invoice.pk]))]
        if mpesa_configured():  # no M-Pesa settings: no M-Pesa button; cash and card as ever
            buttons.append(format_html('<a class="button" href="{}">Request M-Pesa payment</a>',
                                       reverse("admin:billing_invoice_mpesa", args=[invoice.pk])))
        if refund:
            buttons.append(format_html('<a class="button" href="{}">Record a refund</a>',
                                       reverse("admin:billing_invoice_refund", args=[invoice.pk])))
        return format_html_join(" ", "{}", ((b,) for b in buttons))

    @admin.display(description="take payment")
    def payment_actions(self, invoice: Invoice) -> str:
        return self._action_buttons(invoice, refund=False)

    @admin.display(description="take payment")
    def payment_and_refund_actions(self, invoice: Invoice) -> str:
        return self._action_buttons(invoice, refund=True)

    def get_urls(self) -> list:
        view = self.admin_site.admin_view
        return [
            path("<uuid:invoice_id>/payment/", view(self.payment_view), name="billing_invoice_payment"),
            path("<uuid:invoice_id>/mpesa/", view(self.mpesa_view), name="billing_invoice_mpesa"),
            path("<uuid:invoice_id>/refund/", view(self.refund_view), name="billing_invoice_refund"),
            *super().get_urls(),
        ]

    def _page(self, request: HttpRequest, invoice: Invoice, form: Any, title: str, submit: str,
              intro: str = "") -> HttpResponse:
        context = {**self.admin_site.each_context(request), "title": title, "opts": self.opts, "form": form,
                   "submit_label": submit, "intro": intro, "back_label": invoice.display_number,
                   "back_url": reverse("admin:billing_invoice_change", args=[invoice.pk])}
        return TemplateResponse(request, "admin/payments/form_page.html", context)

    def _invoice(self, request: HttpRequest, invoice_id: str, permission: str) -> Invoice:
        if not request.user.has_perm(permission):
            raise PermissionDenied
        return get_object_or_404(Invoice, pk=invoice_id, kind=DocumentKind.INVOICE)

    def _done(self, request: HttpRequest, invoice: Invoice, text: str) -> HttpResponse:
        self.message_user(request, text, messages.SUCCESS)
        return redirect("admin:billing_invoice_change", invoice.pk)

    def _ledger_form_view(self, request: HttpRequest, invoice: Invoice, form_class: type[forms.Form], *,
                          suggested: Decimal | None, record: Callable[..., Any], done: Callable[[Any], str],
                          title: str, button: str, help_text: str) -> HttpResponse:
        # A payment and a refund are one form and one ledger write: a fresh token per page makes the
        # same form sent twice record once, and refusals land beside the field or above the form.
        form = form_class(request.POST or None, initial={"amount": suggested or None, "token": uuid.uuid4()})
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                with transaction.atomic():
                    row = record(invoice=invoice, amount=data["amount"], method=data["method"],
                                 reference=data["reference"], note=data["note"], by=_staff(request),
                                 idempotency_key=data["token"])
            except ValidationError as error:
                _errors_onto(form, error)
            except PaymentRefused as error:
                form.add_error(None, str(error))
            else:
                return self._done(request, invoice, done(row))
        return self._page(request, invoice, form, title, button, help_text)

    def payment_view(self, request: HttpRequest, invoice_id: str) -> HttpResponse:
        invoice = self._invoice(request, invoice_id, RECORD_PERMISSION)
        balance = invoice_balance(invoice=invoice).balance
        return self._ledger_form_view(
            request, invoice, PaymentForm, suggested=balance, record=payment_record,
            done=lambda payment: f"{payment} recorded on {invoice.display_number}.",
            title=f"Payment on {invoice.display_number}", button="Record the payment",
            help_text=f"Balance KES {balance:,}. More than the balance is kept as the client's credit.")

    def refund_view(self, request: HttpRequest, invoice_id: str) -> HttpResponse:
        invoice = self._invoice(request, invoice_id, REFUND_PERMISSION)
        held = invoice_balance(invoice=invoice)
        return self._ledger_form_view(
            request, invoice, RefundForm, suggested=held.credit, record=refund_record,
            done=lambda refund: f"Refund {refund} recorded on {invoice.display_number}.",
            title=f"Refund on {invoice.display_number}", button="Record the refund",
            help_text=f"Paid KES {held.paid:,}; credit KES {held.credit:,}.")

    def mpesa_view(self, request: HttpRequest, invoice_id: str) -> HttpResponse:
        invoice = self._invoice(request, invoice_id, RECORD_PERMISSION)
        if not mpesa_configured():
            raise PermissionDenied("M-Pesa is not configured")
        phone = getattr(invoice.client, "phone", "") or ""
        form = MpesaRequestForm(request.POST or None, initial={"phone": phone, "token": uuid.uuid4()})
        if request.method == "POST" and form.is_valid():
            try:
                with transaction.atomic():
                    row = mpesa_request_create(invoice=invoice, phone=form.cleaned_data["phone"], by=_staff(request),
                                               idempotency_key=form.cleaned_data["token"])
            except PaymentRefused as error:
                form.add_error(None, str(error))
            else:
                return self._done(request, invoice, f"M-Pesa prompt for KES {row.amount:,} sent to {row.phone_masked}: "
                                                    "the page shows the answer when it comes.")
        balance = invoice_balance(invoice=invoice).balance
        return self._page(request, invoice, form, f"Request M-Pesa payment for {invoice.display_number}",
                          "Send the prompt to the phone",
                          f"The owner's phone is asked for KES {balance:,} (whole shillings, rounded up); "
                          "they enter their M-Pesa PIN to pay.")


@admin.register(Payment)
class PaymentAdmin(AuditHistoryMixin, ViewOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("received_at", "invoice", "kind", "method", "amount", "reference", "recorded_by")
    list_filter = ("kind", "method", "received_at")
    search_fields = ("reference",)
    date_hierarchy = "received_at"
    list_select_related = ("invoice", "recorded_by")
    fields = ("invoice", "client", "kind", "method", "amount", "reference", "received_at", "recorded_by", "note",
              "created_at")
    readonly_fields = fields


@admin.register(MpesaRequest)
class MpesaRequestAdmin(AuditHistoryMixin, ViewOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("created_at", "invoice", "amount", "phone_masked", "state", "status_message", "receipt_number")
    list_filter = ("state",)
    search_fields = ("receipt_number", "account_reference")
    list_select_related = ("invoice",)
    fields = ("invoice", "amount", "phone_masked", "account_reference", "state", "status_message", "result_code",
              "receipt_number", "checkout_request_id", "requested_by", "created_at", "sent_at", "settled_at",
              "last_queried_at", "payment")
    readonly_fields = fields


@admin.register(MpesaCallback)
class MpesaCallbackAdmin(ViewOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("received_at", "kind", "outcome", "detail", "request")
    list_filter = ("outcome", "kind")
    fields = ("kind", "received_at", "outcome", "detail", "processed_at", "request", "body")
    readonly_fields = fields


class _Waiting(admin.SimpleListFilter):
    title, parameter_name = "state", "state"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("unmatched", "Unmatched"), ("all", "All")]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        # Opens on what needs a person: the unmatched ones.
        return queryset if self.value() == "all" else queryset.filter(state=PaybillState.UNMATCHED)

    def choices(self, changelist: Any) -> Any:
        for value, label in (("unmatched", "Unmatched"), ("all", "All")):
            yield {"selected": (self.value() or "unmatched") == value, "display": label,
                   "query_string": changelist.get_query_string({self.parameter_name: value})}


@admin.register(PaybillPayment)
class PaybillPaymentAdmin(AuditHistoryMixin, ViewOnlyAdminMixin, admin.ModelAdmin):
    """Unmatched payments: Paybill payments whose account named no invoice, for staff to assign."""

    list_display = ("paid_at", "trans_id", "amount", "bill_ref", "payer_name", "state", "assign")
    list_filter = (_Waiting,)
    search_fields = ("trans_id", "bill_ref")
    list_select_related = ("suggested_invoice", "payment__invoice")
    fields = ("trans_id", "amount", "bill_ref", "payer_name", "phone_masked", "paid_at", "state",
              "suggested_invoice", "suggestion_reason", "payment", "assigned_by", "assigned_at", "assign")
    readonly_fields = fields

    @admin.display(description="assign")
    def assign(self, row: PaybillPayment) -> str:
        if row.state != PaybillState.UNMATCHED:
            return str(row.payment.invoice) if row.payment else "—"
        url = reverse("admin:payments_paybillpayment_assign", args=[row.pk])
        if row.suggested_invoice is not None:
            # One click: the button posts the list's own form (it carries the CSRF token) to the assign
            # view with the suggestion; the list form's other fields are ignored there.
            return format_html(
                '<button type="submit" formaction="{}" formmethod="post" name="invoice_number" value="{}">'
                'Assign to {}</button> <small>({})</small> <a href="{}">another…</a>',
                url, row.suggested_invoice.number, row.suggested_invoice.display_number, row.suggestion_reason, url)
        return format_html('<a class="button" href="{}">Assign…</a>', url)

    def get_urls(self) -> list:
        return [path("<uuid:row_id>/assign/", self.admin_site.admin_view(self.assign_view),
                     name="payments_paybillpayment_assign"), *super().get_urls()]

    def assign_view(self, request: HttpRequest, row_id: str) -> HttpResponse:
        if not request.user.has_perm(RECORD_PERMISSION):
            raise PermissionDenied
        row = get_object_or_404(PaybillPayment, pk=row_id)
        suggested = row.suggested_invoice.display_number if row.suggested_invoice else ""
        form = AssignForm(request.POST or None, initial={"invoice_number": suggested})
        if request.method == "POST" and form.is_valid():
            number = invoice_number_in(form.cleaned_data["invoice_number"])
            invoice = Invoice.objects.filter(kind=DocumentKind.INVOICE, number=number).first() if number else None
            if invoice is None:
                form.add_error("invoice_number", "No invoice has that number.")
            else:
                try:
                    with transaction.atomic():
                        paybill_payment_assign(paybill_payment=row, invoice=invoice, by=_staff(request))
                except PaymentRefused as error:
                    messages.error(request, str(error))
                    return redirect("admin:payments_paybillpayment_changelist")
                self.message_user(request, f"{row.trans_id} (KES {row.amount:,}) put on {invoice.display_number}.",
                                  messages.SUCCESS)
                return redirect("admin:payments_paybillpayment_changelist")
        context = {**self.admin_site.each_context(request), "title": f"Assign {row.trans_id}", "opts": self.opts,
                   "form": form, "submit_label": "Assign", "back_label": "Paybill payments",
                   "back_url": reverse("admin:payments_paybillpayment_changelist"),
                   "intro": f"KES {row.amount:,} from {row.payer_name or 'someone'} ({row.phone_masked}), "
                            f"account typed {row.bill_ref!r}."}
        return TemplateResponse(request, "admin/payments/form_page.html", context)

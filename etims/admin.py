"""Staff's view of eTIMS: every transmission, read-only, with "awaiting KRA" one click away; the only
changes are a manager's decisions on an uncertain or refused one, each through a service."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from .models import AWAITING_KRA, Transmission, TransmissionState
from .services import RESENDABLE, transmission_record_receipt, transmission_requeue


class AwaitingKraFilter(admin.SimpleListFilter):
    title = "KRA"
    parameter_name = "kra"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("awaiting", "Awaiting KRA"), ("uncertain", "Uncertain: a person decides"),
                ("accepted", "Accepted"), ("not_configured", "Not configured")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Transmission]) -> QuerySet[Transmission]:
        if self.value() == "awaiting":
            return queryset.filter(state__in=AWAITING_KRA)  # the WHERE of etims_transmission_awaiting
        if self.value() in ("uncertain", "accepted", "not_configured"):
            return queryset.filter(state=self.value())
        return queryset


class ReceiptForm(forms.Form):
    receipt_number = forms.CharField(max_length=40, label="KRA receipt number (curRcptNo)")
    rcpt_sign = forms.CharField(max_length=100, required=False, label="Receipt signature (for the QR code)")
    note = forms.CharField(max_length=200, required=False, label="Note")


@admin.register(Transmission)
class TransmissionAdmin(admin.ModelAdmin):
    list_display = ("kind", "number", "state", "total_amount", "created_at", "attempts", "cur_rcpt_no",
                    "result_code", "last_error")
    list_filter = (AwaitingKraFilter, "state", "kind")
    search_fields = ("=number", "=cur_rcpt_no", "=invc_no")
    date_hierarchy = None
    actions = ["record_receipt", "send_again"]
    fields = ("kind", "number", "original_number", "state", "total_amount", "invc_no", "org_invc_no",
              "created_at", "attempts", "next_attempt_at", "last_error", "result_code", "result_message",
              "cur_rcpt_no", "tot_rcpt_no", "intrl_data", "rcpt_sign", "sdc_date_time", "qr_url", "accepted_at",
              "resolved_by", "resolved_at", "resolution_note", "payload")
    readonly_fields = fields

    # Written by services only: nobody adds, edits or deletes a row here (KRA's record cannot be undone).
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_resolve_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("etims.resolve_transmission")

    @admin.action(description="Record the KRA receipt of an uncertain transmission…", permissions=["resolve"])
    def record_receipt(self, request: HttpRequest, queryset: QuerySet[Transmission]) -> HttpResponse | None:
        """For one uncertain row: the receipt a person found in KRA's eTIMS portal for this invoice."""
        rows = list(queryset.filter(state=TransmissionState.UNCERTAIN)[:2])
        if len(rows) != 1:
            messages.error(request, "Select exactly one uncertain transmission to record its KRA receipt.")
            return None
        form = ReceiptForm(request.POST if "receipt_number" in request.POST else None)
        if form.is_valid():
            if transmission_record_receipt(transmission=rows[0], by=request.user,  # type: ignore[arg-type]
                                           receipt_number=form.cleaned_data["receipt_number"],
                                           rcpt_sign=form.cleaned_data["rcpt_sign"], note=form.cleaned_data["note"]):
                messages.success(request, f"{rows[0].get_kind_display()} {rows[0].number}: KRA receipt recorded.")
            else:
                messages.info(request, "Nothing recorded: it is no longer uncertain.")
            return None
        return self._confirm(request, "admin/etims/transmission/record_receipt.html", queryset, {
            "title": "Record the KRA receipt", "transmission": rows[0], "form": form})

    @admin.action(description="Send to KRA again (uncertain, refused or not configured)…", permissions=["resolve"])
    def send_again(self, request: HttpRequest, queryset: QuerySet[Transmission]) -> HttpResponse | None:
        """Like Django's delete action: a confirmation first (an uncertain one may already be at KRA)."""
        chosen = queryset.filter(state__in=RESENDABLE)
        if request.POST.get("post") == "yes":
            sent, problems = 0, set()
            for row in chosen:
                try:
                    sent += transmission_requeue(transmission=row, by=request.user)  # type: ignore[arg-type]
                except ValueError as exc:
                    problems.add(str(exc))
            for problem in problems:
                messages.error(request, problem)
            messages.success(request, f"{sent} transmission(s) queued to be sent to KRA.") if sent else \
                messages.info(request, "Nothing queued: none of the selected can be sent again.")
            return None
        return self._confirm(request, "admin/etims/transmission/send_again.html", queryset, {
            "title": "Send to KRA again?", "transmissions": list(chosen[:500]), "count": chosen.count()})

    def _confirm(self, request: HttpRequest, template: str, queryset: QuerySet[Transmission],
                 extra: dict[str, Any]) -> TemplateResponse:
        context = {
            **self.admin_site.each_context(request), "opts": self.model._meta,
            "selected": queryset.values_list("pk", flat=True), "action": request.POST.get("action", ""),
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME, "media": self.media, **extra,
        }
        return TemplateResponse(request, template, context)

"""Messaging consent on a client's admin page: the number's consent, when and how it changed, the
client's latest messages, and a page where staff record an opt-out or opt-in given in person.

A mixin for the clients' ModelAdmin (clients import notifications, never the reverse): it needs of
the client only its pk, phone and phone_hash."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join

from concierge.audit.context import acting_as

from .consent import consent_set_for_client
from .selectors import client_messages, consent_state

if TYPE_CHECKING:
    from concierge.accounts.models import User

    _ModelAdminBase = admin.ModelAdmin[Any]
else:
    _ModelAdminBase = object

MESSAGES_SHOWN = 10


def _when(moment: Any) -> str:
    return date_format(moment, "DATETIME_FORMAT") if moment else "—"


class ConsentForm(forms.Form):
    opted_out = forms.TypedChoiceField(
        label="The owner asked to", coerce=lambda value: value == "out", widget=forms.RadioSelect,
        choices=[("out", "stop reminder and marketing texts (opt out)"), ("in", "get them again (opt in)")],
    )
    note = forms.CharField(label="How and where", max_length=200,
                           help_text="e.g. “said so at the front desk, 3 Dec”. Kept in the consent history.")
    # The state the page showed: a change by SMS reply meanwhile is not overwritten unseen.
    shown = forms.CharField(widget=forms.HiddenInput)


class MessagingConsentAdminMixin(_ModelAdminBase):
    consent_readonly_fields = ("messaging_consent", "message_history")

    def get_urls(self) -> list[Any]:
        opts = self.model._meta
        return [
            path("<path:object_id>/messaging-consent/", self.admin_site.admin_view(self.messaging_consent_view),
                 name=f"{opts.app_label}_{opts.model_name}_messaging_consent"),
            *super().get_urls(),
        ]

    @admin.display(description="messaging consent")
    def messaging_consent(self, client: Any) -> str:
        state = consent_state(phone_hash=client.phone_hash)
        if not client.phone_hash:
            return "No phone number on file."
        if state.consent is None:
            summary = format_html("<strong>{}</strong> (this number never opted out).", "Gets every text")
        else:
            consent = state.consent
            who = f" by {consent.changed_by}" if consent.changed_by else ""
            summary = format_html(
                "<strong>{}</strong> since {} ({}{}{}).",
                "Opted out of reminder and marketing texts" if consent.opted_out else "Gets every text",
                _when(consent.changed_at), consent.get_method_display(),
                f" “{consent.keyword}”" if consent.keyword else "", who,
            )
        history = format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>", (
            (_when(change.at), "opted out" if change.opted_out else "opted in",
             change.get_method_display() + (f" “{change.keyword}”" if change.keyword else ""),
             change.changed_by or change.note or "—")
            for change in state.history
        ))
        table = format_html(
            '<table class="consent-history"><thead><tr><th>When</th><th>Change</th><th>How</th><th>Who / note</th>'
            "</tr></thead><tbody>{}</tbody></table>", history,
        ) if state.history else ""
        url = reverse(f"admin:{self.model._meta.app_label}_{self.model._meta.model_name}_messaging_consent",
                      args=[client.pk])
        return format_html(
            "<p>{} Consent is per phone number: it covers everyone who shares it. Service messages "
            "(job started, ready for collection, receipt) still go.</p>{}"
            '<p><a href="{}">Record an opt-out or opt-in the owner gave in person</a></p>',
            summary, table, url,
        )

    @admin.display(description="messages")
    def message_history(self, client: Any) -> str:
        notes = client_messages(client_id=client.pk, newest=MESSAGES_SHOWN)
        if not notes:
            return "No messages yet."
        rows = format_html_join("", '<tr><td><a href="{}">{}</a></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>', (
            (reverse("admin:notifications_notification_change", args=[n.pk]), _when(n.created_at),
             n.get_channel_display(), n.get_category_display(),
             n.get_status_display() + (f", {n.get_delivery_state_display().lower()}" if n.delivery_state else ""),
             n.error or n.delivery_reason or "")
            for n in notes
        ))
        every = reverse("admin:notifications_notification_changelist") + f"?client__id__exact={client.pk}"
        return format_html(
            '<table class="message-history"><thead><tr><th>Written</th><th>Channel</th><th>Category</th>'
            "<th>Status</th><th>Why not sent</th></tr></thead><tbody>{}</tbody></table>"
            '<p>The {} newest; <a href="{}">all of this client\'s messages</a>.</p>',
            rows, MESSAGES_SHOWN, every,
        )

    def messaging_consent_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        client = self.get_object(request, object_id)
        if client is None:
            raise Http404
        if not self.has_change_permission(request, client):
            raise PermissionDenied
        change_url = reverse(f"admin:{self.model._meta.app_label}_{self.model._meta.model_name}_change",
                             args=[client.pk])
        state = consent_state(phone_hash=client.phone_hash, history_limit=0)
        shown = "out" if state.opted_out else "in"
        form: ConsentForm | None = ConsentForm(request.POST or None, initial={"shown": shown})
        if not client.phone_hash:
            form = None
            messages.error(request, "This client has no phone number on file: there is no consent to record.")
        elif request.method == "POST" and form is not None and form.is_valid():
            if form.cleaned_data["shown"] != shown:
                messages.error(request, "The consent changed while this page was open (the owner may have "
                                        "replied by SMS): check it below and record again if still needed.")
                form = ConsentForm(initial={"shown": shown})
            else:
                staff = cast("User", request.user)  # admin_view: a signed-in staff member
                with acting_as(staff):
                    changed = consent_set_for_client(client=client, opted_out=form.cleaned_data["opted_out"],
                                                     by=staff, note=form.cleaned_data["note"])
                messages.success(request, "Consent recorded." if changed else "Nothing changed: the number was "
                                                                               "already in that state.")
                return HttpResponseRedirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Messaging consent of {client}",
            "opts": self.model._meta, "original": client, "form": form, "change_url": change_url,
            "currently": "opted out of reminder and marketing texts" if state.opted_out else "gets every text",
            "media": self.media,
        }
        return TemplateResponse(request, "admin/notifications/record_consent.html", context)

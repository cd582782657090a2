"""An admin add page sent twice adds one row (a double click on Save, a resend after a dropped
connection): the server-side guard, whatever the browser does.

The add form carries a fresh token in a hidden field (`add_once`); the first POST that carries it
claims it in the cache (Redis: `cache.add` is atomic across web processes) for ONCE_SECONDS. A second
POST with the same token, while the first runs or after it saved, adds nothing and says so. A POST
that saved nothing (the form re-shown with its errors, or an error) gives the token back, so the
corrected page, which carries the same token, is taken. A POST without the field (a script, an old
page) is not guarded: a browser always sends what the page rendered.

The servicing intake's booking page does the same for its one-page booking (servicing.intake.views).
"""

import uuid
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import flatten_fieldsets
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect

ONCE_FIELD = "add_once"
# A page sent again later than this (a day covers any resend) is a new add.
ONCE_SECONDS = 24 * 60 * 60

if TYPE_CHECKING:
    _ModelAdminBase = admin.ModelAdmin[Any]
else:
    _ModelAdminBase = object


def _token(request: HttpRequest) -> uuid.UUID | None:
    try:
        return uuid.UUID(request.POST.get(ONCE_FIELD, ""))
    except ValueError:
        return None


class AddOnceAdminMixin(_ModelAdminBase):
    """ModelAdmin mixin: an add page's POST is taken once."""

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None and not change:
            base = kwargs.get("form", self.form)
            kwargs["form"] = type(base.__name__, (base,), {
                "__module__": base.__module__,
                ONCE_FIELD: forms.UUIDField(widget=forms.HiddenInput, required=False, initial=uuid.uuid4),
            })
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fieldsets(self, request, obj=None):
        fieldsets = list(super().get_fieldsets(request, obj))
        if obj is not None or not fieldsets or ONCE_FIELD in flatten_fieldsets(fieldsets):
            return fieldsets
        name, options = fieldsets[0]
        fieldsets[0] = (name, {**options, "fields": (*options["fields"], ONCE_FIELD)})
        return fieldsets

    def add_view(self, request, form_url="", extra_context=None):
        token = _token(request) if request.method == "POST" else None
        if token is None:
            return super().add_view(request, form_url, extra_context)
        opts = self.opts
        key = f"admin:add-once:{opts.app_label}.{opts.model_name}:{token}"
        if not cache.add(key, "1", timeout=ONCE_SECONDS):
            self.message_user(
                request,
                f"This {opts.verbose_name} form was sent twice; only the first was taken. "
                "Check the list before adding it again.",
                messages.WARNING,
            )
            return redirect(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        try:
            response = super().add_view(request, form_url, extra_context)
        except BaseException:
            cache.delete(key)  # nothing was added: the same page may be sent again
            raise
        if not _added(response):
            cache.delete(key)
        return response


def _added(response: HttpResponse) -> bool:
    """The admin answers a saved add with a redirect (or, in a popup, a page that closes it); a form
    shown again with its errors is a 200 of the change form."""
    if isinstance(response, HttpResponseRedirect):
        return True
    names = getattr(response, "template_name", None) or ()
    return any(str(name).endswith("popup_response.html") for name in ([names] if isinstance(names, str) else names))

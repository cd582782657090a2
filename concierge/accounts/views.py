"""The two-factor page of the staff admin: set up an authenticator, get recovery codes."""

from django import forms
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp import login as otp_login

from .two_factor import (
    authenticator_confirm,
    authenticator_pending,
    authenticator_qr_data_uri,
    authenticator_secret,
    has_authenticator,
    recovery_codes_issue,
    two_factor_required,
)


class AuthenticatorConfirmForm(forms.Form):
    otp_token = forms.CharField(
        label="Code from the app", max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


def _next_url(request, site):
    candidate = request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME)
    if candidate and url_has_allowed_host_and_scheme(candidate, {request.get_host()}, require_https=request.is_secure()):
        return candidate
    return reverse("admin:index", current_app=site.name)


def two_factor_view(request, site):
    user = request.user
    context = {
        **site.each_context(request),
        "title": "Two-factor sign-in",
        "required": two_factor_required(user),
        "next": _next_url(request, site),
        "next_field": REDIRECT_FIELD_NAME,
    }
    if has_authenticator(user):
        if not user.is_verified():
            # Set up already, but this session was not opened with a code: sign in properly first.
            return HttpResponseRedirect(reverse("admin:login", current_app=site.name))
        if request.method == "POST" and request.POST.get("action") == "recovery_codes":
            context["recovery_codes"] = recovery_codes_issue(user=user)
        return TemplateResponse(request, "accounts/two_factor.html", {**context, "enrolled": True})

    device = authenticator_pending(user=user)
    form = AuthenticatorConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = authenticator_confirm(device=device, token=form.cleaned_data["otp_token"])
        if codes is not None:
            device.refresh_from_db()
            otp_login(request, device)  # this session is now verified by the new authenticator
            return TemplateResponse(
                request, "accounts/two_factor.html", {**context, "enrolled": True, "just_enrolled": True, "recovery_codes": codes}
            )
        form.add_error("otp_token", (
            "That code does not match. Check that the phone's clock is right and enter the code the app "
            "shows now (after several wrong codes, wait a few seconds between tries)."
        ))
    return TemplateResponse(request, "accounts/two_factor.html", {
        **context,
        "form": form,
        "secret": authenticator_secret(device),
        "otpauth_uri": device.config_url,
        "qr_data_uri": authenticator_qr_data_uri(device),
    }, status=400 if form.is_bound and form.errors else 200)

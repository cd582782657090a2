"""The staff sign-in form: email, password and, for anyone with a second factor, a code."""

import re

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ValidationError
from django_otp import devices_for_user, verify_token
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from .two_factor import has_second_factor

TOTP_CODE = re.compile(r"^\d{6}$")


class StaffLoginForm(AdminAuthenticationForm):
    otp_token = forms.CharField(
        label="Verification code",
        required=False,
        max_length=32,
        strip=True,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
        help_text="The 6-digit code from your authenticator app, or one of your recovery codes. "
        "Leave it empty if you have not set up two-factor sign-in.",
    )

    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "otp_required": "Enter the 6-digit code from your authenticator app, or one of your recovery codes.",
        "otp_invalid": "That verification code is not right (or was already used). Enter the code your "
        "authenticator app shows now, or an unused recovery code.",
    }

    def clean(self):
        cleaned = super().clean()  # password checked (and django-axes consulted) here
        user = self.get_user()
        if user is None or not has_second_factor(user):
            return cleaned
        token = re.sub(r"[\s-]", "", cleaned.get("otp_token") or "")
        if not token:
            raise ValidationError(self.error_messages["otp_required"], code="otp_required")
        device = self._device_accepting(user, token)
        if device is None:
            # Counted by django-axes like a wrong password: guessing codes locks out too.
            user_login_failed.send(
                sender=__name__, credentials={"username": cleaned.get("username")}, request=self.request
            )
            raise ValidationError(self.error_messages["otp_invalid"], code="otp_invalid")
        # django_otp's user_logged_in receiver stores it in the session: the session is verified.
        user.otp_device = device  # type: ignore[attr-defined]  # django_otp's attribute, set on the user at run time
        return cleaned

    @staticmethod
    def _device_accepting(user, token):
        # A 6-digit code goes to the authenticator, anything else to the recovery codes: a wrong guess
        # counts against (and throttles) only the device it was meant for.
        kind = TOTPDevice if TOTP_CODE.match(token) else StaticDevice
        for device in devices_for_user(user):
            if isinstance(device, kind) and (found := verify_token(user, device.persistent_id, token.lower())):
                return found
        return None

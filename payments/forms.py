"""Staff forms for taking payments. Each carries a token made when the page was drawn: a double
click or a resubmitted page records once (the services are idempotent on it)."""

import uuid
from decimal import Decimal

from django import forms

from .models import Method

TOKEN_HELP = "Sent back with the form: the same form twice records once."


class _Tokened(forms.Form):
    token = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)


class PaymentForm(_Tokened):
    method = forms.ChoiceField(choices=Method.choices, initial=Method.CASH)
    amount = forms.DecimalField(label="Amount (KES)", max_digits=12, decimal_places=2, min_value=Decimal("0.01"))
    reference = forms.CharField(
        required=False, max_length=40,
        help_text="M-Pesa: the receipt code from the owner's message (ten letters and digits). Card: the slip number.",
    )
    note = forms.CharField(required=False, max_length=200)

    def clean(self) -> dict:
        data = super().clean() or {}
        if data.get("method") == Method.MPESA and not (data.get("reference") or "").strip():
            self.add_error("reference", "An M-Pesa payment needs its receipt code.")
        return data


class RefundForm(_Tokened):
    method = forms.ChoiceField(choices=Method.choices, initial=Method.CASH)
    amount = forms.DecimalField(label="Amount (KES)", max_digits=12, decimal_places=2, min_value=Decimal("0.01"))
    reference = forms.CharField(required=False, max_length=40)
    note = forms.CharField(label="Why", max_length=200)


class MpesaRequestForm(_Tokened):
    phone = forms.CharField(max_length=20, help_text="The Safaricom number that gets the prompt, e.g. 0712 345 678.")


class AssignForm(forms.Form):
    invoice_number = forms.CharField(label="Invoice number", max_length=20, help_text="e.g. INV-000123 or 123")

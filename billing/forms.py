"""The admin's billing forms: an estimate line on the job page (priced, and the owner's answer), and
the credit-note form. Both validate beside their fields; the admin writes through billing.services."""

from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone

from .models import TAX_RATES, Decision, DecisionChannel, EstimateLine, InvoiceLine, TaxCategory


class EstimateLineForm(forms.ModelForm):
    """A line picked from the price list (its values fill whatever is left blank) or typed, and the
    owner's answer: `answer`, `answered_how` and `follow_up` are not model fields, so the answer is
    recorded by estimate_line_decide (who, when, stale check), never by saving the row."""

    answer = forms.ChoiceField(
        choices=[("", "—"), (Decision.APPROVED, "Approved"), (Decision.DECLINED, "Declined")], required=False,
        label="owner's answer",
    )
    answered_how = forms.ChoiceField(choices=[("", "—"), *DecisionChannel.choices], required=False, label="how")
    follow_up = forms.DateField(required=False, label="follow up on", help_text="Declined work: remind the owner on.")
    # The answer the page showed when it was opened: a colleague's answer recorded since is not
    # overwritten (estimate_line_decide's stale check), it is reported.
    answer_seen = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = EstimateLine
        fields = ("position", "price_list_item", "kind", "description", "part_number", "quantity", "unit_price",
                  "unit_cost", "discount", "tax_category")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("kind", "description", "quantity", "unit_price"):
            if name in self.fields:
                self.fields[name].required = False  # filled from the price list when one is picked
        line = self.instance  # UUID keys are set before saving: a new row is told by _state.adding
        stored = not line._state.adding
        self.answer_before = line.decision if stored and line.decision != Decision.PENDING else ""
        self.initial.setdefault("answer", self.answer_before)
        self.initial.setdefault("answer_seen", line.decision if stored else Decision.PENDING)
        self.initial.setdefault("answered_how", line.decided_via if stored else "")
        self.initial.setdefault("follow_up", line.follow_up_date if stored else None)

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        item = cleaned.get("price_list_item")
        if item is not None and self.instance._state.adding:
            cleaned["kind"] = cleaned.get("kind") or item.kind
            cleaned["description"] = cleaned.get("description") or item.description
            cleaned["part_number"] = cleaned.get("part_number") or item.part_number
            if cleaned.get("quantity") is None:
                cleaned["quantity"] = item.standard_hours if item.kind == "labour" else Decimal("1")
            if cleaned.get("unit_price") is None:
                cleaned["unit_price"] = item.hourly_rate if item.kind == "labour" else item.unit_price
            if cleaned.get("unit_cost") is None:
                cleaned["unit_cost"] = item.unit_cost
            if "tax_category" not in self.changed_data:
                cleaned["tax_category"] = item.tax_category
        for name, message in (("kind", "Labour or part?"), ("description", "Describe the work or part."),
                              ("quantity", "How many hours or units?"), ("unit_price", "The price, VAT included.")):
            if name in self.fields and cleaned.get(name) in (None, ""):
                self.add_error(name, message)
        category = cleaned.get("tax_category")
        if category:
            self.instance.tax_rate = TAX_RATES[TaxCategory(category)]
        answer, how, follow_up = cleaned.get("answer"), cleaned.get("answered_how"), cleaned.get("follow_up")
        if answer and answer != self.answer_before and not how:
            self.add_error("answered_how", "Say how the owner answered.")
        if follow_up and answer != Decision.DECLINED:
            self.add_error("follow_up", "Only declined work has a follow-up date.")
        if follow_up and follow_up < timezone.localdate():
            self.add_error("follow_up", "The follow-up date cannot be in the past.")
        if self.answer_before and not answer:
            self.add_error("answer", "An answer once recorded is kept: record the new answer instead.")
        return cleaned


class CreditNoteForm(forms.Form):
    """Why, and how much of each line to credit (all that is left, by default)."""

    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=1000,
                             help_text="Printed on the credit note.")

    def __init__(self, *args: Any, lines: list[tuple[InvoiceLine, Decimal]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lines = lines
        for line, remaining in lines:
            self.fields[f"line_{line.pk}"] = forms.DecimalField(
                label=line.description, min_value=Decimal("0"), max_value=remaining, decimal_places=2,
                initial=remaining, required=False, help_text=f"Up to {remaining} left to credit.",
            )

    def quantities(self) -> dict[str, Decimal]:
        return {str(line.pk): self.cleaned_data.get(f"line_{line.pk}") or Decimal("0") for line, _ in self.lines}

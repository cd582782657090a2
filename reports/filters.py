"""The report pages' filters, declared with django-filter. Their state lives in the query string, so
a manager can bookmark or share a view, and the CSV links carry the same filters.

The period fields filter nothing themselves: each figure applies the period to its own date
(completed_date for revenue, sent_at for notifications, created_at for new clients), so the FilterSet
only validates them and hands a Period to the selectors."""

import django_filters
from django import forms

from billing.models import Invoice
from notifications.models import Notification, NotificationStatus, NotificationType
from servicing.models import Service

from .periods import DEFAULT_PRESET, PRESETS, Period, preset_period, shop_today
from .selectors.choices import service_field_values

# Longer custom ranges would make the by-week and by-month tables very long for no use.
MAX_PERIOD_DAYS = 3 * 366
# A text box read with the day-first input formats (concierge/formats/), not <input type="date">: the
# browser draws that one in its own locale's order, month-first on the many phones and PCs set to
# English (US), whatever the shop's language.
DAY_FIRST_DATE = forms.DateInput(attrs={"placeholder": "dd/mm/yyyy", "size": 10, "inputmode": "numeric"})


class PeriodForm(forms.Form):
    def clean(self):
        super().clean()
        cleaned = self.cleaned_data  # what Form.clean() returns
        if cleaned.get("period") != "custom":
            return cleaned
        start, end = cleaned.get("start"), cleaned.get("end")
        if not start:
            self.add_error("start", "Choose the first day of the period.")
        if not end:
            self.add_error("end", "Choose the last day of the period.")
        if start and end and start > end:
            self.add_error("end", "The last day cannot come before the first day.")
        elif start and end and (end - start).days + 1 > MAX_PERIOD_DAYS:
            self.add_error("end", "Choose a period of at most three years.")
        return cleaned


def _distinct_choices(field):
    def choices():
        return [(value, value) for value in service_field_values(field=field)]

    return choices


class PeriodFilterSet(django_filters.FilterSet):
    period = django_filters.ChoiceFilter(
        label="Period", choices=PRESETS, method="period_is_applied_per_figure", empty_label=None
    )
    start = django_filters.DateFilter(
        label="From", method="period_is_applied_per_figure", widget=DAY_FIRST_DATE
    )
    end = django_filters.DateFilter(
        label="To", method="period_is_applied_per_figure", widget=DAY_FIRST_DATE
    )

    class Meta:
        form = PeriodForm
        fields: list[str] = []

    def __init__(self, data=None, *args, **kwargs):
        data = data.copy() if data is not None else {}
        # Typed dates are the period asked for, whatever the Period box still says: a manager who types
        # From/To and leaves Period on "This month" was shown this month. No dates and no period: this
        # month. (The page's filters.js empties the dates when a preset is picked, so picking one after
        # a custom period is not overridden by the dates still in their boxes.)
        if data.get("start") or data.get("end"):
            data["period"] = "custom"
        elif not data.get("period"):
            data["period"] = DEFAULT_PRESET
        super().__init__(data, *args, **kwargs)

    def period_is_applied_per_figure(self, queryset, name, value):
        return queryset

    def get_period(self, *, today=None):
        """The chosen Period; call only once the form is valid."""
        cleaned = self.form.cleaned_data
        if cleaned["period"] == "custom":
            return Period(cleaned["start"], cleaned["end"])
        return preset_period(cleaned["period"], today=today)


class ServiceReportFilterSet(PeriodFilterSet):
    service_type = django_filters.ChoiceFilter(choices=_distinct_choices("service_type"), empty_label="All types")
    technician = django_filters.ChoiceFilter(choices=_distinct_choices("technician"), empty_label="All technicians")

    class Meta(PeriodFilterSet.Meta):
        model = Service


class NotificationReportFilterSet(PeriodFilterSet):
    channel = django_filters.ChoiceFilter(label="Channel", choices=NotificationType.choices, empty_label="All channels")
    status = django_filters.ChoiceFilter(label="Outcome", choices=NotificationStatus.choices, empty_label="All outcomes")

    class Meta(PeriodFilterSet.Meta):
        model = Notification


class ClientReportFilterSet(PeriodFilterSet):
    service_type = django_filters.ChoiceFilter(choices=_distinct_choices("service_type"), empty_label="All types")

    class Meta(PeriodFilterSet.Meta):
        model = Service


class MoneyReportFilterSet(PeriodFilterSet):
    """The money page: the period only (its figures come from invoices and estimate lines)."""

    class Meta(PeriodFilterSet.Meta):
        model = Invoice


class ReceivablesForm(PeriodForm):
    def clean_day(self):
        day = self.cleaned_data.get("day")
        if day is not None and day > shop_today():
            raise forms.ValidationError("Choose a day up to today: nothing has been taken after it yet.")
        return day


class ReceivablesFilterSet(PeriodFilterSet):
    """The receivables page: balances and the yard are as of now; `day` picks the day whose money
    taken is shown (today when empty). The period boxes of the other pages are left out; the page's
    period is that one day (file names of its CSVs carry it)."""

    day = django_filters.DateFilter(label="Money taken on", method="period_is_applied_per_figure",
                                    widget=DAY_FIRST_DATE)

    class Meta(PeriodFilterSet.Meta):
        model = Invoice
        form = ReceivablesForm

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("period", "start", "end"):
            self.filters.pop(name)

    def get_period(self, *, today=None):
        day = self.form.cleaned_data.get("day") or today or shop_today()
        return Period(day, day)

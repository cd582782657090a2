"""An add page prefilled from its address (`?vehicle=<id>`, the car page's "Book a service") takes
only the values its fields can hold.

Django puts `?vehicle=abc` into the form's initial data as it is; the autocomplete widget then looks
the car up by that id while the page renders, and a value that is no UUID raised there: a 500 (as
did `?expires_at=abc` in the split date-and-time widget). A value the field cannot read is left out,
as if it had not been given. The staff site mixes this into every ModelAdmin it registers
(concierge.accounts.sites.StaffAdminSite.register).
"""

from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.core.exceptions import FieldDoesNotExist, ValidationError

if TYPE_CHECKING:
    _ModelAdminBase = admin.ModelAdmin[Any]
else:
    _ModelAdminBase = object


class QueryInitialAdminMixin(_ModelAdminBase):
    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        for name, value in list(initial.items()):
            try:
                field = self.opts.get_field(name)
            except FieldDoesNotExist:
                continue
            if not field.concrete or isinstance(value, list):
                continue
            try:
                field.to_python(value)
            except (ValidationError, ValueError, TypeError):
                del initial[name]
        return initial

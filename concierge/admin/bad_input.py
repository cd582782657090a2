"""Values in a staff page's address or POST that its fields cannot hold are refused or dropped, never
a 500. The staff site mixes BadInputAdminMixin into every ModelAdmin it registers
(concierge.accounts.sites.StaffAdminSite.register); Django trusts these values in three places:

- an add page prefilled from its address (`?vehicle=<id>`, the car page's "Book a service"): Django
  puts `?vehicle=abc` into the initial data as it is, and the autocomplete widget looked the car up by
  it while the page rendered (as did `?expires_at=abc` the split date-and-time widget). A value the
  field cannot read is left out, as if it had not been given;
- an autocomplete box posted with such a value (the form shown again with its error): the widget
  shows no car instead of looking it up;
- a list action posted with row ids that are no ids of that table (`_selected_action=abc`): the
  list says so and changes nothing.
"""

from typing import TYPE_CHECKING, Any

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.http import HttpResponseRedirect

if TYPE_CHECKING:
    _BaseAdmin = admin.options.BaseModelAdmin[Any]
    _ModelAdminBase = admin.ModelAdmin[Any]
else:
    _BaseAdmin = object
    _ModelAdminBase = object


def _readable(field, value) -> bool:
    try:
        field.to_python(value)
    except (ValidationError, ValueError, TypeError):
        return False
    return True


class ReadableAutocompleteSelect(AutocompleteSelect):
    """Django's autocomplete box, which looks its selected value up only when it is an id of the
    related table (its `__in` lookup raised on `abc`)."""

    def optgroups(self, name, value, attr=None):
        target = self.field.target_field
        value = [v for v in value if v in (None, "") or _readable(target, v)]
        return super().optgroups(name, value, attr)


class ReadableAutocompleteMixin(_BaseAdmin):
    """For a ModelAdmin or an inline: its autocomplete boxes are ReadableAutocompleteSelect. The site
    mixes it into every ModelAdmin (through BadInputAdminMixin); an inline with autocomplete_fields
    names it itself (concierge/tests/test_admin_bad_input.py checks that every one does)."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = ReadableAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class BadInputAdminMixin(ReadableAutocompleteMixin, _ModelAdminBase):
    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        for name, value in list(initial.items()):
            try:
                field = self.opts.get_field(name)
            except FieldDoesNotExist:
                continue
            if field.concrete and not isinstance(value, list) and not _readable(field, value):
                del initial[name]
        return initial

    def response_action(self, request, queryset, *args, **kwargs):
        selected = request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)
        if not all(_readable(self.opts.pk, value) for value in selected):
            self.message_user(request, "Nothing changed: the rows sent are not rows of this list. Select them again.",
                              messages.WARNING)
            return HttpResponseRedirect(request.get_full_path())
        return super().response_action(request, queryset, *args, **kwargs)

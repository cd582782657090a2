"""Inlines that render a bounded number of rows, so a client with a thousand cars or a car with
hundreds of jobs costs the same to open as one with five (bench/notes.md, "Changes for speed"), and
the opt-in to inputs written without the template engine (QuickInputsInlineMixin)."""

from typing import TYPE_CHECKING, Any

from django.contrib.admin.options import InlineModelAdmin
from django.forms.models import BaseInlineFormSet
from django.utils.text import capfirst

from .renderers import QUICK_INPUT_RENDERER

# Rows an inline shows; the rest are one link away in the filtered changelist.
INLINE_ROWS_SHOWN = 20


class BoundedInlineFormSet(BaseInlineFormSet):
    """The first INLINE_ROWS_SHOWN related rows in the inline's ordering.

    The same slice is used when the page is posted back, so the submitted forms line up with the rows
    they were rendered from; rows beyond the slice are neither shown nor touched.
    """

    max_shown = INLINE_ROWS_SHOWN

    def get_queryset(self):
        # One object kept for the formset's life: its result cache serves both the form count and each
        # form's instance (a fresh slice per form would be one query per row).
        if not hasattr(self, "_bounded_queryset"):
            self._bounded_queryset = super().get_queryset()[: self.max_shown]
        return self._bounded_queryset

    def add_fields(self, form, index):
        super().add_fields(form, index)
        label_row_inputs(form, index)


def label_row_inputs(form, index):
    """Name each input of a tabular row for screen readers: "Make, row 3".

    A tabular inline labels its columns with <th> headers, which are not <label>s of the inputs
    below them: axe found 80 unlabelled inputs (critical) on a client page with 20 cars. Hidden
    inputs (the row's id and foreign key) need no name. `index` is None for the template row that
    "Add another" copies."""
    row = "" if index is None else f", row {index + 1}"
    for field in form.fields.values():
        if not field.widget.is_hidden:
            field.widget.attrs["aria-label"] = f"{capfirst(field.label or '')}{row}"


# Mixed into InlineModelAdmins (get_formset's super()): type checkers see one; at run time a plain mixin.
if TYPE_CHECKING:
    _InlineBase = InlineModelAdmin[Any, Any]
else:
    _InlineBase = object


class BoundedInlineMixin(_InlineBase):
    """An InlineModelAdmin showing the first INLINE_ROWS_SHOWN rows."""

    formset = BoundedInlineFormSet


class QuickInputsInlineMixin(_InlineBase):
    """An inline whose plain <input>s are written without the template engine (renderers.QuickInputRenderer,
    same HTML): only where Django's renderer would put the page over its target, the client page's car
    rows (docs/admin-at-scale.md, "Forks of Django"; the car page's 20 jobs render with Django's)."""

    def get_formset(self, request, obj=None, **kwargs):
        kwargs.setdefault("renderer", QUICK_INPUT_RENDERER)
        return super().get_formset(request, obj, **kwargs)

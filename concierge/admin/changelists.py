"""Cheaper rendering of the changelist's rows, with the same HTML as Django's: for the lists where it
pays (QuickRowsAdminMixin: services and notifications), every other list gets Django's own rows.

Django's `items_for_result` (django.contrib.admin.templatetags.admin_list) works every cell out from
scratch: which field or admin method the column is, its CSS class, whether it links, its empty value,
the choices' labels, and per row the change URL (a reverse() and a resolve() for the preserved
filters). Here what depends only on the column is decided once per list, the change URL is reversed
once and each row's key put into it, and each cell keeps Django's own formatting (display_for_field /
display_for_value), with a column's dates formatted once per distinct date. Lists with editable
columns, popups or a to_field are left to Django. concierge/tests/test_admin_rows.py compares the HTML
with Django's; `python -m bench.forks` measures it against Django's rows (docs/admin-at-scale.md,
"Forks of Django": at 100 rows a page, Django's rows put the filtered and searched services lists
over 50 ms; on the clients, vehicles and audit lists they do not, so those use Django's).
"""

import datetime
import html
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import quote as url_quote

from django.contrib import admin
from django.contrib.admin import helpers
from django.contrib.admin.templatetags.admin_list import ResultList, result_headers, result_hidden_fields, result_list
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.views.main import ChangeList
from django.contrib.admin.utils import (  # type: ignore[attr-defined]  # _get_non_gfk_field: private, not in django-stubs
    FieldIsAForeignKeyColumnName,
    _get_non_gfk_field,
    display_for_field,
    display_for_value,
    lookup_field,
    quote,
)
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist
from django.db import models
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.http import RFC3986_SUBDELIMS
from django.utils.functional import Promise
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from .paginators import EstimatedCountPaginator

# What this module copies, as the sha256 (16 hex digits) of its source in Django 5.2:
# concierge/tests/test_django_forks.py fails when the installed Django's differs, naming this module.
COPIED_FROM_DJANGO = {
    "django.contrib.admin.templatetags.admin_list.items_for_result": "162476ae39ac0ac3",
    "django.contrib.admin.templatetags.admin_list.results": "9bf0012c80d5a3a2",
    "django.contrib.admin.templatetags.admin_list.result_list": "42f01b684881f973",
    "django.contrib.admin.utils._get_non_gfk_field": "81d76581746ed5c5",
    "django.contrib.admin.options.ModelAdmin.action_checkbox": "6957caa14530ae39",
    "template:django/forms/widgets/checkbox.html": "7d7a5bc4ccc075bb",
    "template:django/forms/widgets/input.html": "770cf3acba1c18b6",
    "template:django/forms/widgets/attrs.html": "f729483efe44660f",
}

# Stands for the row's key in the change URL reversed once per list; reverse() leaves it as it is.
_KEY = "0row0key0"


def _escape(value: object) -> str:
    """django.utils.html.conditional_escape, without its lazy-string wrapper (a fifth of the row time)."""
    if isinstance(value, Promise):
        value = str(value)
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


# Values whose formatting (a date format, a yes/no icon's static URL) is worth doing once per list; it
# is a pure function of the value and the column within one request.
_MEMOISED = (datetime.date, datetime.time, bool, type(None))

# The mixins below are mixed into ModelAdmins and override their attributes and methods: type checkers
# see them as ModelAdmins (as concierge/audit/admin_mixins.py does), so what they set is checked against
# Django's declarations; at run time they stay plain mixins.
if TYPE_CHECKING:
    _ModelAdminBase = admin.ModelAdmin[Any]
else:
    _ModelAdminBase = object


class QuickActionCheckboxMixin(_ModelAdminBase):
    """The row's action checkbox written directly rather than through the form widget's template.

    Rendering a CheckboxInput runs the template engine once per row: about a fifth of the services
    list's server time for 100 rows (cProfile, bench/notes.md). The HTML is the same as Django's.
    """

    def action_checkbox(self, obj: Model) -> SafeString:
        # As Django's format_html(_(...), str(obj)): the translated text is trusted, the object escaped.
        label = _("Select this object for an action - {}").format(_escape(obj))
        return mark_safe(
            f'<input type="checkbox" name="{_escape(helpers.ACTION_CHECKBOX_NAME)}" value="{_escape(obj.pk)}"'
            f' class="action-select" aria-label="{label}">'
        )


class QuickRowsAdminMixin(QuickActionCheckboxMixin):
    """A large list whose rows (and action checkboxes) are made once per column by quick_result_list
    instead of Django's items_for_result: only where Django's would put the page over its target
    (services and notifications; docs/admin-at-scale.md, "Forks of Django")."""


class LargeTableAdminMixin(_ModelAdminBase):
    """A ModelAdmin over a large table: counts that do not read it all (paginators.py), and the
    changelist of templates/admin/concierge/change_list.html (the date drill-down by index probes; the
    rows made once per column for a QuickRowsAdminMixin). A model's own change_list template extends
    that one and is named in change_list_template (Django looks no further once it is set)."""

    paginator = EstimatedCountPaginator
    show_full_result_count = False  # no second count for "N total"
    change_list_template = "admin/concierge/change_list.html"
    # Columns the list's rows never show, left unread (ChangeList only, not the change page): a client's
    # encrypted email and phone cost a decryption each per row when the list names the client.
    list_deferred: tuple[str, ...] = ()

    def get_changelist(self, request: HttpRequest, **kwargs: Any) -> type[ChangeList]:
        return DeferringChangeList


class DeferringChangeList(ChangeList):
    model_admin: LargeTableAdminMixin  # only LargeTableAdminMixin.get_changelist makes one

    def get_queryset(self, request: HttpRequest, exclude_parameters: list[str | None] | None = None) -> QuerySet[Any]:
        queryset = super().get_queryset(request, exclude_parameters)
        return queryset.defer(*self.model_admin.list_deferred) if self.model_admin.list_deferred else queryset


class _Column:
    """What items_for_result decides about one column, decided once per list."""

    def __init__(self, cl: ChangeList, field_name: str | Callable[..., Any], index: int, *,
                 link_tag: str | None) -> None:
        self.name, self.link_tag, self.model_admin = field_name, link_tag, cl.model_admin
        if callable(field_name):
            css_name = f"lambda{index}" if field_name.__name__ == "<lambda>" else field_name.__name__
        else:
            css_name = field_name
        self.base_class = f"field-{css_name}"
        self.empty = cl.model_admin.get_empty_value_display()
        self.memo: dict[tuple[Any, ...], Any] = {}
        try:
            self.field = _get_non_gfk_field(cl.opts, field_name)
        except (FieldDoesNotExist, FieldIsAForeignKeyColumnName):
            self.field = None
        # A model field is read straight off the row; an admin method or callable is called; anything
        # else (a property, a model method, a dotted path) goes through Django's lookup_field per row.
        self.call: Callable[..., Any] | None = None
        if self.field is None:
            if callable(field_name):
                self.call = field_name
            elif hasattr(cl.model_admin, field_name) and field_name != "__str__":
                self.call = getattr(cl.model_admin, field_name)
        self.choices: dict[Any, Any] | None = None
        if self.field is not None and not self.field.auto_created and getattr(self.field, "flatchoices", None):
            try:
                self.choices = dict(self.field.flatchoices)
            except TypeError:  # list-like choices: Django's own path below
                pass

    def value(self, result: Model) -> tuple[Any, Any]:
        """(attr, value) as lookup_field finds them."""
        if self.field is not None:
            return None, getattr(result, cast(str, self.name))  # a model field: named by a string
        if self.call is not None:
            return self.call, self.call(result)
        _f, attr, value = lookup_field(self.name, result, self.model_admin)
        return attr, value

    def cell(self, result: Model) -> tuple[list[str], Any]:
        """(class attribute, content) of the row's cell, as items_for_result makes them."""
        classes = [self.base_class]
        try:
            attr, value = self.value(result)
        except ObjectDoesNotExist:
            return classes, self.empty
        empty = getattr(attr, "empty_value_display", self.empty)
        if isinstance(value, str) and value.strip() == "":
            value = ""
        field = self.field
        if field is None or field.auto_created:
            if self.name == "action_checkbox":
                classes = ["action-checkbox"]
            boolean = getattr(attr, "boolean", False)
            if isinstance(attr, property) and hasattr(attr, "fget"):
                boolean = getattr(attr.fget, "boolean", False)
            content = self._memoised(value, lambda: display_for_value(value, empty, boolean), boolean, empty)
            if isinstance(value, (datetime.date, datetime.time)):
                classes.append("nowrap")
            return classes, content
        if isinstance(field.remote_field, models.ManyToOneRel):
            content = empty if value is None else value
        elif self.choices is not None:
            content = self.choices.get(value, empty)
        else:
            content = self._memoised(
                value, lambda: display_for_field(value, field, empty, avoid_link=self.link_tag is not None), empty
            )
        if isinstance(field, (models.DateField, models.TimeField, models.ForeignKey)):
            classes.append("nowrap")
        return classes, content

    def _memoised(self, value: Any, display: Callable[[], Any], *key: Any) -> Any:
        if not isinstance(value, _MEMOISED):
            return display()
        key = (value, *key)
        if key not in self.memo:
            self.memo[key] = display()
        return self.memo[key]


def _change_url_template(cl: ChangeList) -> str | None:
    """The change URL of a row, with _KEY for its key, or None when the model has no change view."""
    try:
        url = reverse(f"admin:{cl.opts.app_label}_{cl.opts.model_name}_change", args=(_KEY,),
                      current_app=cl.model_admin.admin_site.name)
    except NoReverseMatch:
        return None
    return add_preserved_filters({"preserved_filters": cl.preserved_filters, "opts": cl.opts}, url)


def quick_results(cl: ChangeList) -> Iterator[ResultList]:
    """The rows, as django.contrib.admin.templatetags.admin_list.results(cl) yields them, each row's
    cells joined into one item."""
    columns, first = [], True
    for index, field_name in enumerate(cl.list_display):
        links = cl.list_display_links is not None and (
            (first and not cl.list_display_links) or field_name in cl.list_display_links)
        columns.append(_Column(cl, field_name, index, link_tag=("th" if first else "td") if links else None))
        first = first and not links
    url_template = _change_url_template(cl)
    pk_attname = cl.lookup_opts.pk.attname
    for result in cl.result_list:
        cells = []
        for column in columns:
            classes, content = column.cell(result)
            row_class = ' class="%s"' % " ".join(classes)
            content = _escape(content)
            if column.link_tag is None:
                cells.append(mark_safe(f"<td{row_class}>{content}</td>"))
                continue
            if url_template is not None:
                key = url_quote(str(quote(getattr(result, pk_attname))), safe=RFC3986_SUBDELIMS + "/~:@")
                url = _escape(url_template.replace(_KEY, key))
                content = f'<a href="{url}">{content}</a>'
            cells.append(mark_safe(f"<{column.link_tag}{row_class}>{content}</{column.link_tag}>"))
        # One item per row: change_list_results.html writes a row's items one after the other, so the
        # row's HTML is the same, and the template engine renders 100 values instead of 1 000.
        yield ResultList(None, [mark_safe("".join(cells))])


def quick_result_list(cl: ChangeList) -> dict[str, Any]:
    """The context of Django's result_list inclusion tag, its rows made by quick_results for a
    QuickRowsAdminMixin; Django's own result_list for any other list."""
    if not isinstance(cl.model_admin, QuickRowsAdminMixin) or cl.formset or cl.is_popup or cl.to_field:
        return result_list(cl)
    headers = list(result_headers(cl))
    return {
        "cl": cl,
        "result_hidden_fields": list(result_hidden_fields(cl)),
        "result_headers": headers,
        "num_sorted_fields": sum(1 for h in headers if h["sortable"] and h["sorted"]),
        "results": list(quick_results(cl)),
    }

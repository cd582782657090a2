"""No lost edits: stale-edit detection for the staff change forms (optimistic concurrency).

A change form carries, in a hidden `row_version` field, the row's `updated_at` as it was when the page
was opened (the set_updated_at trigger moves it on every UPDATE, raw SQL included). At save, the form
locks the row (SELECT ... FOR UPDATE, inside the admin's own transaction, held until the save commits)
and compares: a row that moved since is not saved over; the form is shown again with a message naming
what changed, who changed it and when (read from the audit trail). A save that goes ahead writes only
the columns whose value differs from the locked row (`save_changed`): a field the user did not touch
is never written back, so nobody's value is reset by a page that was merely open.

updated_at is CURRENT_TIMESTAMP, the writing transaction's start time: saves by different transactions
give different versions (tests that play two staff members commit between their saves), and the audit
rows of the changes made since a version are those stamped after it (a transaction that began before
the one a page saw, and committed after it, is caught by the version but told as "saved again").

The pieces, for any model with `updated_at` and an audit trigger:
- StaleEditFormMixin for the ModelForm (before forms.ModelForm in the bases);
- StaleEditAdminMixin for the ModelAdmin and for inlines whose rows are edited (it adds the hidden
  field to the fieldsets and saves only the changed columns);
- StaleEditInlineFormSet, the formset half, for those inlines.
"""

import datetime
import json
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import flatten_fieldsets
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import transaction
from django.forms.models import BaseInlineFormSet
from django.utils import formats, timezone
from django.utils.text import capfirst

from concierge.audit.models import AuditLog
from concierge.audit.selectors import changes_of, user_names
from concierge.audit.triggers import ENCRYPTED_MARKER

VERSION_FIELD = "row_version"
# Columns a save never writes from a form: the key, and the times the database keeps itself.
NEVER_WRITTEN = frozenset({"id", "created_at", "updated_at"})


def row_version(instance) -> str:
    """The version a form carries for `instance`: its updated_at, to the microsecond."""
    return instance.updated_at.isoformat() if getattr(instance, "updated_at", None) else ""


def changed_columns(instance, stored) -> list[str]:
    """Names of the concrete fields whose value on `instance` differs from `stored` (the row as locked)."""
    return [
        field.name for field in instance._meta.concrete_fields
        if field.name not in NEVER_WRITTEN and not field.primary_key
        and getattr(instance, field.attname) != getattr(stored, field.attname)
    ]


def save_changed(instance, stored) -> list[str]:
    """Save only what differs from `stored`; nothing at all (no UPDATE, no audit row) when nothing does."""
    if stored is None:
        instance.save()
        return []
    fields = changed_columns(instance, stored)
    if fields:
        instance.save(update_fields=fields)
    return fields


# StaleEditFormMixin goes into ModelForms (self.instance) and StaleEditAdminMixin into ModelAdmins:
# type checkers see those bases; at run time the mixins keep their own.
if TYPE_CHECKING:
    _FormBase = forms.ModelForm[Any]
    _ModelAdminBase = admin.ModelAdmin[Any]
else:
    _FormBase = forms.Form
    _ModelAdminBase = object


class StaleEditFormMixin(_FormBase):
    """ModelForm mixin (a Form, so that its field is declared): refuse to save over a row that changed
    since the form was opened."""

    row_version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.locked_row = None
        if self.editing_existing_row():
            self.initial.setdefault(VERSION_FIELD, row_version(self.instance))

    def editing_existing_row(self) -> bool:
        return self.instance.pk is not None and not self.instance._state.adding

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data  # what Form.clean() returns
        self.keep_empty_as_null(cleaned)
        if self.editing_existing_row():
            self.check_not_stale(cleaned.get(VERSION_FIELD) or "")
        return cleaned

    def keep_empty_as_null(self, cleaned: dict) -> None:
        """An empty box of a nullable text column is NULL, as the seed's columns hold "no value".

        Django's form for a TextField gives '' whatever the column allows, so an emptied note was
        stored as '' and, as '' differs from NULL, every save of a page wrote '' over each NULL the
        user never touched (save_changed). A column already holding '' keeps it: nothing untouched
        is written."""
        opts = self.instance._meta
        for name, value in cleaned.items():
            if value != "":
                continue
            try:
                field = opts.get_field(name)
            except FieldDoesNotExist:
                continue
            if field.concrete and field.null and getattr(self.instance, field.attname, None) != "":
                cleaned[name] = None

    def check_not_stale(self, opened: str) -> None:
        model = type(self.instance)
        rows = model._default_manager.filter(pk=self.instance.pk)
        if transaction.get_connection(rows.db).in_atomic_block:
            # Held until the save commits: nobody can change the row between this comparison and the save.
            rows = rows.select_for_update(of=("self",))
        current = rows.first()
        if current is None:
            raise ValidationError(
                f"Not saved: this {model._meta.verbose_name} was deleted since you opened the page.", code="deleted",
            )
        self.locked_row = current
        if opened == row_version(current):
            return
        if not opened:
            raise ValidationError(
                f"Not saved: this page did not say which version of the {model._meta.verbose_name} it showed. "
                "Open it again and make your change there.", code="stale",
            )
        raise ValidationError(stale_message(form=self, current=current, opened=opened), code="stale")


def _parse_version(opened):
    try:
        moment = datetime.datetime.fromisoformat(opened)
    except ValueError:
        return None
    return moment if timezone.is_aware(moment) else None


def stale_message(*, form, current, opened) -> str:
    """"Not saved: since you opened this page, Grace Wairimu (14:02) changed Status: In progress → Completed; ..."."""
    opts = current._meta
    since = _parse_version(opened)
    rows = []
    if since is not None:
        rows = list(
            AuditLog.objects.filter(table_name=opts.db_table, record_id=current.pk, timestamp__gt=since)
            .order_by("timestamp", "id")[:20]
        )
    names = user_names(row.user_id for row in rows)
    told = []
    for row in rows:
        shown, others = [], 0
        for change in changes_of(row):
            described, hidden = _describe(form, opts, change.field, change.old, change.new)
            shown += described
            others += hidden
        if others:
            shown.append(f"{others} field(s) not on this page")
        if not shown:
            continue
        who = names.get(row.user_id, "someone") if row.user_id else "the system"
        when = formats.time_format(timezone.localtime(row.timestamp), "H:i")
        told.append(f"{who} ({when}) changed {'; '.join(shown)}")
    what = ". ".join(told) if told else f"the {opts.verbose_name} was saved again"
    return (
        f"Not saved: since you opened this page, {what}. Nothing you typed was written. "
        "Open the page again to see the current values, then make your change there."
    )


def _model_field(opts, column):
    try:
        return opts.get_field(column)
    except FieldDoesNotExist:
        return next((f for f in opts.concrete_fields if f.attname == column), None)


def _show(field, value):
    if value is None or value == "":
        return "—"
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if field is not None and field.get_internal_type() == "DateField":
        try:
            return formats.date_format(datetime.date.fromisoformat(value), "j M Y")
        except (TypeError, ValueError):
            pass
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _describe(form, opts, column, old, new):
    """(["Label: old → new", ...], how many changed fields are not on the user's form).

    Values are told only for fields the user's own form edits, in its labels: a role that may not see a
    column (a technician and the price) is not shown it here either. Encrypted contacts are only said
    to have changed: the audit row holds a marker, not the address.
    """
    field = _model_field(opts, column)
    if isinstance(old, dict) or isinstance(new, dict):
        # A JSON column (a car's metadata): each key the form edits as a field of its own.
        old, new = old or {}, new or {}
        keys = [key for key in {**old, **new} if old.get(key) != new.get(key)]
        shown = [f"{form.fields[key].label or capfirst(key)}: {_show(None, old.get(key))} → {_show(None, new.get(key))}"
                 for key in keys if key in form.fields]
        return shown, len(keys) - len(shown)
    name = field.name if field is not None else column
    if name not in form.fields:
        return [], 1
    label = form.fields[name].label or capfirst(str(field.verbose_name if field is not None else name))
    if ENCRYPTED_MARKER in (old, new):
        return [f"{label} (changed)"], 0
    return [f"{label}: {_show(field, old)} → {_show(field, new)}"], 0


class StaleEditInlineFormSet(BaseInlineFormSet):
    """Saves an edited inline row's changed columns only, against the row its form locked."""

    def save_existing(self, form, obj, commit=True):
        instance = form.save(commit=False)
        if commit:
            save_changed(instance, getattr(form, "locked_row", None))
            form.save_m2m()
        return instance


class StaleEditAdminMixin(_ModelAdminBase):
    """ModelAdmin / InlineModelAdmin mixin: renders the form's hidden version, saves changed columns only.

    The form must mix in StaleEditFormMixin; an inline's formset must be a StaleEditInlineFormSet.
    """

    def get_fieldsets(self, request, obj=None):
        fieldsets = list(super().get_fieldsets(request, obj))
        # Only where the user edits existing rows: a view-only page would show the field as read-only text.
        if obj is None or not self.has_change_permission(request, obj) or not fieldsets:
            return fieldsets
        if VERSION_FIELD in flatten_fieldsets(fieldsets):
            return fieldsets
        name, options = fieldsets[0]
        fieldsets[0] = (name, {**options, "fields": (*options["fields"], VERSION_FIELD)})
        return fieldsets

    def save_model(self, request, obj, form, change):
        if not change:
            return super().save_model(request, obj, form, change)
        save_changed(obj, getattr(form, "locked_row", None))

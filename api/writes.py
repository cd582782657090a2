"""API writes through the admin's own forms and the domains' services: the same checks, the same
messages beside the same fields, the same stale-edit detection and the same signals as a staff save."""

from typing import Any, TypeVar

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.db import models
from ninja.errors import HttpError

from concierge.admin.concurrency import VERSION_FIELD, row_version


class FormRefused(Exception):
    """The form said no: (field or None, message) pairs, as the admin shows them beside each field."""

    def __init__(self, errors: list[tuple[str | None, str]]) -> None:
        self.errors = errors
        super().__init__("; ".join(message for _, message in errors))


def etag(instance: Any) -> str:
    return f'"{row_version(instance)}"'


def if_match_version(header: str | None) -> str:
    """The row version a PATCH was based on: its If-Match (an ETag this API gave). Required: without it
    the API could not tell a stale edit from a fresh one (428)."""
    header = (header or "").strip()
    if not header:
        raise HttpError(428, "Send If-Match with the ETag of the row as you read it (GET it first).")
    if header.startswith("W/"):
        header = header[2:]
    return header.strip('"')


F = TypeVar("F", bound=forms.ModelForm)


def bound_form(
    form_class: type[F], *, changes: dict[str, Any], instance: models.Model | None = None, version: str | None = None,
) -> F:
    """The admin's form as if its user had opened `instance` (None: a new row) and changed `changes`:
    every field keeps the value it shows unless the request sets it."""
    # What the admin's page shows before its user types anything: a new row's defaults (a job's cost
    # 0.00 and status pending), or the row as stored.
    shown = form_class(instance=instance)
    data: dict[str, Any] = {name: shown[name].value() for name in shown.fields}
    data.pop(VERSION_FIELD, None)
    if instance is not None:
        data[VERSION_FIELD] = version or ""
    for name, value in changes.items():
        data[name] = "" if value is None else value
    return form_class(data=data, instance=instance)


def check_form(form: forms.BaseForm) -> None:
    """Raise what the form refused: 412 for a stale edit, 404 for a row deleted meanwhile, else 422
    with every field's reasons."""
    if form.is_valid():
        return
    general = form.errors.as_data().get(NON_FIELD_ERRORS, [])
    codes = {error.code for error in general}
    if "stale" in codes:
        raise HttpError(412, "Not saved: the row changed since the version in If-Match. GET it again and redo the change.")
    if "deleted" in codes:
        raise HttpError(404, "Not saved: the row was deleted.")
    errors: list[tuple[str | None, str]] = []
    for field, field_errors in form.errors.as_data().items():
        for error in field_errors:
            for message in error.messages:
                errors.append((None if field == NON_FIELD_ERRORS else field, message))
    raise FormRefused(errors)

"""Writes about clients. Imports go through the admin's own forms, so a CSV cannot hold what the admin
refuses, and through the same services, so an imported client or car fires the events a typed one does."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django import forms
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from fleet.forms import METADATA_KEYS, VehicleForm
from fleet.models import ReadingSource
from fleet.services import vehicle_create

from . import signals
from .forms import ClientForm
from .models import Client
from .selectors import client_by_email

CLIENT_COLUMNS = ("first_name", "last_name", "email", "phone", "address", "consent_gdpr")
VEHICLE_COLUMNS = ("license_plate", "make", "model", "year", "vin", "mileage", *METADATA_KEYS)


class ImportRefused(Exception):
    """The file has rows the forms refuse; `errors` names each (line, column, reason). Nothing was written."""

    def __init__(self, errors: list[str]) -> None:
        self.errors = errors
        super().__init__(f"{len(errors)} error(s)")


@dataclass
class ImportResult:
    clients_created: int = 0
    vehicles_created: int = 0
    warnings: list[str] = field(default_factory=list)


@transaction.atomic
def client_create(*, client: Client, by: AbstractBaseUser | None = None) -> Client:
    """Register a client (an unsaved Client, as a form built it) and say so: client_created, in this
    transaction."""
    client.save(force_insert=True)
    signals.client_created.send(sender=Client, client=client, by=by)
    return client


@transaction.atomic
def clients_import(
    *, rows: Iterable[Mapping[str, str | None]], dry_run: bool = False, by: AbstractBaseUser | None = None,
) -> ImportResult:
    """Import clients and their cars, one car per row (rows without a VIN add only the client).

    A row whose email is already known (in the database or earlier in the file) adds its car to that
    client and leaves the client's details as they are. All or nothing: any refused row means nothing
    is written, and every refusal is reported at once. Line numbers count the header as line 1.
    """
    result = ImportResult()
    errors: list[str] = []
    known: dict[str, Client] = {}
    for line, raw in enumerate(rows, start=2):
        row = {key: (value or "").strip() for key, value in raw.items() if key}
        email = row.get("email", "").lower()
        client = (known.get(email) or client_by_email(email)) if email else None
        if client is None:
            form = ClientForm(data={**{c: row.get(c, "") for c in CLIENT_COLUMNS},
                                    "consent_gdpr": row.get("consent_gdpr", "").lower() in {"1", "true", "yes", "y"}})
            if not form.is_valid():
                errors.extend(_form_errors(line, form))
                continue
            client = client_create(client=form.save(commit=False), by=by)
            result.clients_created += 1
        known[email] = client
        if not row.get("vin"):
            continue
        vehicle_form = VehicleForm(data={**{c: row.get(c, "") for c in VEHICLE_COLUMNS}, "client": client.pk})
        if not vehicle_form.is_valid():
            errors.extend(_form_errors(line, vehicle_form))
            continue
        vehicle_create(vehicle=vehicle_form.save(commit=False), by=by, source=ReadingSource.IMPORT)
        result.vehicles_created += 1
        result.warnings.extend(f"line {line}: {warning}" for warning in vehicle_form.warnings)
    if errors:
        raise ImportRefused(errors)
    if dry_run:
        transaction.set_rollback(True)
    return result


def _form_errors(line: int, form: forms.BaseForm) -> list[str]:
    return [
        f"line {line}, {name if name != '__all__' else 'row'}: {message}"
        for name, messages in form.errors.items()
        for message in messages
    ]

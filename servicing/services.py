"""Writes to service jobs. Views, admin actions, workflow actions, commands and test factories call
these, never .save() on a new job or on a status: the service that makes a change sends its signal
(servicing/signals.py), and a plain save says nothing."""

import datetime
from collections.abc import Collection, Iterable
from typing import Any

from django.apps import AppConfig

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from concierge.accounts.models import User
from fleet.models import ReadingSource
from fleet.services import vehicle_mileage_record

from . import signals
from .lifecycle import InvalidTransition, check_transition, transition_checks_run
from .models import Service, ServiceCollection, ServiceStatus, ServiceType


@transaction.atomic
def service_create(
    *, service: Service, by: AbstractBaseUser | None = None, mileage: int | None = None,
) -> Service:
    """Book a job (an unsaved Service, as a form or a workflow action built it) and say so:
    service_created, in this transaction. `mileage`, when the desk read the odometer, is kept as the
    car's reading at booking (fleet.services.vehicle_mileage_record)."""
    service.save(force_insert=True)
    signals.service_created.send(sender=Service, service=service, by=by)
    if mileage is not None:
        vehicle_mileage_record(vehicle=service.vehicle, mileage=mileage, source=ReadingSource.BOOKING, by=by)
    return service


def service_update(*, service: Service, fields: Collection[str]) -> None:
    """Write `fields` of a booked job (the admin passes the columns its user changed). The status is
    not one of them: it moves through service_change_status, which decides it under its lock."""
    if "status" in fields:
        raise ValueError("a job's status changes through service_change_status, not service_update")
    if fields:
        service.save(update_fields=list(fields))


@transaction.atomic
def service_change_status(
    *, service: Service, status: str, by: AbstractBaseUser | None = None,
    completed_date: datetime.date | None = None, mileage: int | None = None,
) -> bool:
    """Move one job along its lifecycle, under a row lock so two people cannot race each other.

    The decision is taken on the locked row, never on `service` as the caller loaded it: a job already
    in `status` (someone else got there first, a form saved twice at once, a stale wall screen) is no
    change, so nothing is written and nothing is sent. A change sends service_status_changed with the
    locked row's status as the old one and `by`, in this transaction (its events, and their texts,
    roll back with it). Returns whether the job changed.

    Raises InvalidTransition (nothing written) when the lifecycle forbids the change. Starting a job
    before its booked day moves the booking to today (Nairobi): the seed's CHECK wants a job completed
    on or after its scheduled date, and a job started on the 30th is done by then, not on the 2nd.
    Completing a job sets completed_date to today unless one is given, and keeps `mileage` (when the
    technician read it) as the car's reading at completion.
    """
    locked = Service.objects.select_for_update().get(pk=service.pk)
    status = ServiceStatus(status)
    if locked.status == status:
        service.status, service.completed_date = locked.status, locked.completed_date
        service.scheduled_date = locked.scheduled_date
        return False
    old_status = ServiceStatus(locked.status)
    check_transition(old_status, status)
    transition_checks_run(locked, old_status, status)
    locked.status = status
    update_fields = ["status"]
    today = timezone.localdate()
    if status == ServiceStatus.IN_PROGRESS and locked.scheduled_date and locked.scheduled_date > today:
        locked.scheduled_date = today
        update_fields.append("scheduled_date")
    if status == ServiceStatus.COMPLETED:
        locked.completed_date = completed_date or today
        if locked.scheduled_date and locked.completed_date < locked.scheduled_date:
            raise InvalidTransition(
                f"Completed on {locked.completed_date:%d %b %Y} is before the scheduled date "
                f"{locked.scheduled_date:%d %b %Y}."
            )
        update_fields.append("completed_date")
    locked.save(update_fields=update_fields)
    service.status, service.completed_date = locked.status, locked.completed_date
    service.scheduled_date = locked.scheduled_date
    signals.service_status_changed.send(
        sender=Service, service=service, old_status=old_status, new_status=status, by=by,
    )
    if status == ServiceStatus.COMPLETED and mileage is not None:
        vehicle_mileage_record(vehicle=service.vehicle, mileage=mileage, source=ReadingSource.COMPLETION, by=by)
    return True


def service_start(*, service: Service, by: AbstractBaseUser | None = None) -> bool:
    return service_change_status(service=service, status=ServiceStatus.IN_PROGRESS, by=by)


def service_complete(
    *, service: Service, by: AbstractBaseUser | None = None, completed_date: datetime.date | None = None,
    mileage: int | None = None,
) -> bool:
    return service_change_status(
        service=service, status=ServiceStatus.COMPLETED, by=by, completed_date=completed_date, mileage=mileage,
    )


def service_cancel(*, service: Service, by: AbstractBaseUser | None = None) -> bool:
    return service_change_status(service=service, status=ServiceStatus.CANCELLED, by=by)


class BulkTransitionRefused(Exception):
    """Some selected jobs cannot make the change; `refused` lists (service, reason). Nothing was written."""

    def __init__(self, refused: list[tuple[Service, str]]) -> None:
        self.refused = refused
        super().__init__(f"{len(refused)} job(s) refused")


@transaction.atomic
def service_change_status_bulk(
    *, services: Iterable[Service], status: str, by: AbstractBaseUser | None = None,
) -> tuple[int, int]:
    """All or nothing: change every job, or, if any one is refused, none of them.

    Every job is tried so that staff hear about each refused row at once, not one per attempt. A job
    already in `status` is not refused: it is counted apart and left as it is (no event, no text).
    Returns (jobs changed, jobs already in `status`).
    """
    refused: list[tuple[Service, str]] = []
    changed = unchanged = 0
    for service in services:
        try:
            # A savepoint per job: a refusal never leaves the outer transaction unusable.
            if service_change_status(service=service, status=status, by=by):
                changed += 1
            else:
                unchanged += 1
        except InvalidTransition as error:
            refused.append((service, str(error)))
    if refused:  # raising out of the atomic block rolls back the jobs already changed
        raise BulkTransitionRefused(refused)
    return changed, unchanged


# The service-type catalogue (servicing.models.ServiceType).

# What an empty catalogue starts with (migration 0012 keeps its own copy, as migrations must).
STANDARD_SERVICE_TYPES = (
    "AC Service", "Battery Replacement", "Brake Repair", "Car Wash & Detailing", "Engine Diagnostics",
    "Full Service", "Oil Change", "Suspension Repair", "Tyre Replacement", "Wheel Alignment",
)

# Intervals (km, months) the standard types start with, for cars as driven in Nairobi: dusty roads and
# stop-go traffic are "severe service" in the makers' books (Toyota's: oil every 5 000 km / 6 months
# rather than 10 000), potholes and speed bumps wear alignment and suspension early. Managers edit them.
STANDARD_INTERVALS: dict[str, tuple[int | None, int | None]] = {
    "Oil Change": (5_000, 6),
    "Full Service": (10_000, 12),
    "Wheel Alignment": (10_000, 6),
    "AC Service": (20_000, 12),
    "Brake Repair": (20_000, 12),
    "Suspension Repair": (40_000, 24),
    "Tyre Replacement": (40_000, 36),
    "Battery Replacement": (None, 24),
}


def service_type_name_normalise(name: str) -> str:
    """The name as stored: outer spaces dropped, runs of spaces made one. Case is kept (the catalogue's
    unique index ignores it)."""
    return " ".join(name.split())


@transaction.atomic
def service_type_save(*, service_type: ServiceType) -> ServiceType:
    """Save a catalogue entry. A renamed type renames its jobs too (their `service_type` text), in the
    same transaction, so the lists' filter and the reports keep one row for it rather than two. The
    audit trigger records both, with the acting user."""
    service_type.name = service_type_name_normalise(service_type.name)
    old = None
    if service_type.pk:
        old = ServiceType.objects.select_for_update().filter(pk=service_type.pk).values_list("name", flat=True).first()
    service_type.save()
    if old is not None and old != service_type.name:
        Service.objects.filter(service_type=old).update(service_type=service_type.name)
    return service_type


def service_types_fill_if_empty(*, using: str = "default") -> int:
    """Give an empty catalogue the standard types; returns how many were added. Runs after every
    `migrate` and `flush` (post_migrate): the migration filled the catalogue once, but a flushed
    database (tests that truncate) would otherwise have nothing to book. A catalogue with any row is
    left alone, so a type a manager renamed or retired never comes back.

    Not audited: like the migration's fill, it is the database's starting state, and a fresh
    database's audit trail stays empty (seed_scale refuses one with rows).
    """
    import pgtrigger

    if ServiceType.objects.using(using).exists():
        return 0
    with transaction.atomic(using=using), pgtrigger.ignore("servicing.ServiceType:audit", databases=[using]):
        ServiceType.objects.using(using).bulk_create([
            ServiceType(name=name, interval_km=STANDARD_INTERVALS.get(name, (None, None))[0],
                        interval_months=STANDARD_INTERVALS.get(name, (None, None))[1])
            for name in STANDARD_SERVICE_TYPES
        ])
    return len(STANDARD_SERVICE_TYPES)


def service_types_fill_after_migrate(sender: AppConfig, using: str = "default", **kwargs: Any) -> None:
    """post_migrate receiver (servicing.apps). Skipped while the table does not exist (servicing
    migrated backwards)."""
    from django.db import connections

    if ServiceType._meta.db_table in connections[using].introspection.table_names():
        service_types_fill_if_empty(using=using)


@transaction.atomic
def service_advance_at_workshop(
    *, service: Service, status: str, technician: str, mileage: int | None = None,
    by: AbstractBaseUser | None = None,
) -> bool:
    """A technician's Start or Complete from their phone: the status change of service_change_status
    (its lock, its stale check, its event), plus, in the same transaction, the job taken on by them
    when nobody had it, and the odometer read at completion (fleet.services.vehicle_update: an
    odometer only goes up; ValidationError and nothing written when it is lower).
    Returns whether the job changed (False: someone moved it there first; nothing else is written)."""
    from fleet.models import Vehicle
    from fleet.services import vehicle_update
    from fleet.validators import validate_mileage

    changed = service_change_status(service=service, status=status, by=by)
    if not changed:
        return False
    # The row is locked by service_change_status until this transaction ends: its technician as stored.
    current = Service.objects.filter(pk=service.pk).values_list("technician", flat=True).get()
    if not current and technician:
        service.technician = technician
        service_update(service=service, fields=["technician"])
    if mileage is not None and status == ServiceStatus.COMPLETED:
        locked = Vehicle.objects.select_for_update().only("mileage").get(pk=service.vehicle_id)
        validate_mileage(mileage, previous=locked.mileage)
        vehicle = service.vehicle
        vehicle.mileage = mileage
        vehicle_update(vehicle=vehicle, fields=["mileage"], by=by, locked=locked)
    return True


# Handing the car back (servicing.models.ServiceCollection).


class CollectionRefused(Exception):
    """The car of this job cannot be marked collected; the message is meant for staff. Nothing was written."""


@transaction.atomic
def service_mark_collected(
    *, service: Service, by: AbstractBaseUser | None = None, note: str = "",
) -> tuple[ServiceCollection, bool]:
    """The owner (or someone for them) took the car of a completed job away. Returns the collection and
    whether this call recorded it.

    Decided under the job's row lock, like a status change: a second press, a form sent twice, two
    colleagues at once find the first record and get it back (False), with nothing written and
    nothing sent. A first record sends service_collected with `by`, in this transaction.
    Raises CollectionRefused for a job that is not completed (its car is still being worked on, or the
    job was cancelled).
    """
    locked = Service.objects.select_for_update().get(pk=service.pk)
    existing = ServiceCollection.objects.filter(service=locked).select_related("collected_by").first()
    if existing is not None:
        return existing, False
    if locked.status != ServiceStatus.COMPLETED:
        raise CollectionRefused(
            f"Only a completed job's car is collected; this job is {ServiceStatus(locked.status).label.lower()}."
        )
    collection = ServiceCollection(
        # A staff account (the shop's User); the system (a workflow, a command) records no one.
        service=locked, collected_at=timezone.now(), collected_by=by if isinstance(by, User) else None,
        note=note.strip(),
    )
    collection.save(force_insert=True)
    signals.service_collected.send(sender=Service, service=service, collection=collection, by=by)
    return collection, True

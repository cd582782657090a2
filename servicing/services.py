"""Writes to service jobs. Views, admin actions, tasks and commands call these, never .save() on status."""

import datetime

from django.db import transaction
from django.utils import timezone

from .lifecycle import InvalidTransition, check_transition
from .models import Service, ServiceStatus, ServiceType


@transaction.atomic
def service_change_status(
    *, service: Service, status: str, by=None, completed_date: datetime.date | None = None,
) -> bool:
    """Move one job along its lifecycle, under a row lock so two people cannot race each other.

    The decision is taken on the locked row, never on `service` as the caller loaded it: a job already
    in `status` (someone else got there first, a form saved twice at once, a stale wall screen) is no
    change, so nothing is written and no event or text follows. Returns whether the job changed.

    Raises InvalidTransition (nothing written) when the lifecycle forbids the change. Starting a job
    before its booked day moves the booking to today (Nairobi): the seed's CHECK wants a job completed
    on or after its scheduled date, and a job started on the 30th is done by then, not on the 2nd.
    Completing a job sets completed_date to today unless one is given.
    """
    locked = Service.objects.select_for_update().get(pk=service.pk)
    status = ServiceStatus(status)
    if locked.status == status:
        service.status, service.completed_date = locked.status, locked.completed_date
        service.scheduled_date = locked.scheduled_date
        return False
    check_transition(locked.status, status)
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
    return True


def service_start(*, service: Service, by=None) -> bool:
    return service_change_status(service=service, status=ServiceStatus.IN_PROGRESS, by=by)


def service_complete(*, service: Service, by=None, completed_date: datetime.date | None = None) -> bool:
    return service_change_status(service=service, status=ServiceStatus.COMPLETED, by=by, completed_date=completed_date)


def service_cancel(*, service: Service, by=None) -> bool:
    return service_change_status(service=service, status=ServiceStatus.CANCELLED, by=by)


class BulkTransitionRefused(Exception):
    """Some selected jobs cannot make the change; `refused` lists (service, reason). Nothing was written."""

    def __init__(self, refused):
        self.refused = refused
        super().__init__(f"{len(refused)} job(s) refused")


@transaction.atomic
def service_change_status_bulk(*, services, status: str, by=None) -> tuple[int, int]:
    """All or nothing: change every job, or, if any one is refused, none of them.

    Every job is tried so that staff hear about each refused row at once, not one per attempt. A job
    already in `status` is not refused: it is counted apart and left as it is (no event, no text).
    Returns (jobs changed, jobs already in `status`).
    """
    refused = []
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

# The shop's standard types: what migration 0012 first filled the catalogue with (it keeps its own
# copy, as a migration must not change when this list does).
STANDARD_SERVICE_TYPES = (
    "AC Service", "Battery Replacement", "Brake Repair", "Car Wash & Detailing", "Engine Diagnostics",
    "Full Service", "Oil Change", "Suspension Repair", "Tyre Replacement", "Wheel Alignment",
)


def service_types_fill_if_empty(*, using: str = "default") -> int:
    """Give an empty catalogue the standard types; return how many were added.

    The catalogue is data a migration wrote, and `manage.py flush` (as a test run does after each test
    that commits) empties it while leaving the schema migrated: the booking form then offered no type
    at all and seed_demo stopped on an empty list. Called after every migrate and flush (post_migrate).
    A catalogue with any row is the managers' and is left alone: a type they retired or renamed is never
    brought back."""
    from django.db import connections

    if ServiceType._meta.db_table not in connections[using].introspection.table_names():
        return 0  # migrated back before the catalogue existed
    if ServiceType.objects.using(using).exists():
        return 0
    ServiceType.objects.using(using).bulk_create([ServiceType(name=name) for name in STANDARD_SERVICE_TYPES])
    return len(STANDARD_SERVICE_TYPES)


def service_types_fill_after_migrate(sender, using: str = "default", **kwargs) -> None:
    """post_migrate receiver (servicing.apps)."""
    service_types_fill_if_empty(using=using)

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

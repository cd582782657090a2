"""Reads about service jobs: the job board and the staff home page."""

import datetime
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import connection
from django.contrib.postgres.fields import ArrayField
from django.db.models import Count, F, Model, Q, QuerySet, TextField, UUIDField, Value, Window
from django.db.models.functions import Cast, RowNumber
from django.utils import timezone

from concierge.db.expressions import EqualsAny
from concierge.db.counting import COUNT_UP_TO
from notifications.models import Notification, NotificationStatus

from .lifecycle import next_status
from .models import Service, ServiceStatus

if TYPE_CHECKING:
    from clients.models import Client

OPEN_STATUSES = (ServiceStatus.PENDING, ServiceStatus.IN_PROGRESS)


def service_client(*, service: Service) -> "Client | None":
    """The job's own client: whoever owned the car when the job was made (fleet's ownership periods),
    not the car's client now, who may have bought it since. None when that period's client was deleted."""
    from clients.models import Client
    from fleet.selectors import vehicle_owner_id_at

    owner_id = vehicle_owner_id_at(vehicle_id=service.vehicle_id, at=service.created_at)
    if owner_id is None:
        return None
    if service.vehicle.client_id == owner_id:
        return service.vehicle.client
    return Client.objects.get(pk=owner_id)


def overdue_q(*, today: datetime.date) -> Q:
    """Scheduled before today and neither completed nor cancelled."""
    return Q(scheduled_date__lt=today, status__in=OPEN_STATUSES)


@dataclass
class BoardCard:
    service: Service
    overdue: bool
    waiting_since: datetime.datetime
    next_status: ServiceStatus | None
    # The card's links, filled in by the board view (one reverse() per board, not per card).
    change_url: str = ""
    advance_url: str = ""


@dataclass
class BoardColumn:
    status: ServiceStatus
    cards: list[BoardCard]
    total: int = 0  # jobs in the column; `cards` holds the first BOARD_CARDS_PER_COLUMN of them
    all_url: str = ""  # the staff list of the whole column, filled in by the board view

    @property
    def not_shown(self) -> int:
        return self.total - len(self.cards)


# A wall screen shows this many cards per column, the longest waiting first (about ten fit on a
# screen; the rest of the twenty are a scroll away); the others are counted and linked. A chain's
# board holds thousands of jobs (3 162 at scale 10: 1 185 overdue, 990 booked for today): rendering
# them all took a second and no one can read them on a wall.
BOARD_CARDS_PER_COLUMN = 20


def board_q(*, today: datetime.date) -> Q:
    """The jobs the board is about: booked for today, overdue, in progress (whatever their booked day:
    a car on the ramp is on the board, and the home page's "In progress" counts every one of them), or
    completed today."""
    return (Q(scheduled_date=today) | overdue_q(today=today) | Q(status=ServiceStatus.IN_PROGRESS)
            | Q(status=ServiceStatus.COMPLETED, completed_date=today))


def board_columns(
    *, today: datetime.date | None = None, now: datetime.datetime | None = None, per_column: int | None = None
) -> list[BoardColumn]:
    """Today's jobs, the overdue ones and those in progress, one column per status, in two queries
    whatever their number.

    The first numbers each column's jobs in board order and counts them (window functions over the
    jobs alone: each arm of board_q is an index scan, see servicing/tests/test_board.py); the second
    loads the first `per_column` of each with their car and owner.

    A card's waiting time runs from the shop's opening on the scheduled day (or from the booking, if the
    job was booked later that day); once in progress, from the last change to the job.
    """
    today = today or timezone.localdate()
    now = now or timezone.now()
    per_column = per_column or BOARD_CARDS_PER_COLUMN
    board_order = (F("scheduled_date").asc(), F("created_at").asc(), F("id").asc())
    ranked = (
        Service.objects.filter(board_q(today=today))
        .annotate(
            place=Window(RowNumber(), partition_by=F("status"), order_by=board_order),
            column_total=Window(Count("*"), partition_by=F("status")),
        )
        .filter(place__lte=per_column)
        .values_list("pk", "status", "column_total")
    )
    columns = {status: BoardColumn(status=status, cards=[]) for status in ServiceStatus}
    shown: list[Any] = []
    for pk, status, total in ranked:
        columns[ServiceStatus(status)].total = total
        shown.append(pk)
    services: Iterable[Service] = (
        Service.objects.filter(pk__in=shown)
        .select_related("vehicle__client")
        .defer("vehicle__client__email", "vehicle__client__phone")  # not on a card: no decrypting
        .order_by(*board_order)
    ) if shown else []
    for service in services:
        columns[ServiceStatus(service.status)].cards.append(
            BoardCard(
                service=service,
                overdue=bool(service.scheduled_date and service.scheduled_date < today
                             and service.status in OPEN_STATUSES),
                waiting_since=_waiting_since(service, today=today),
                next_status=next_status(service.status),
            )
        )
    return list(columns.values())


SHOP_OPENS = datetime.time(8)


def _waiting_since(service: Service, *, today: datetime.date) -> datetime.datetime:
    if service.status == ServiceStatus.IN_PROGRESS:
        return service.updated_at
    if not service.scheduled_date:
        return service.created_at
    opening = timezone.make_aware(datetime.datetime.combine(service.scheduled_date, SHOP_OPENS))
    if service.scheduled_date < today:
        return opening
    return max(service.created_at, opening)


# A home-page figure is counted up to this many, then shown as "10000+": failed messages pile up over
# the years (120 000 at scale 10, 20 ms to count even off their own index) and the list the tile links
# to counts up to the same bound.
DASHBOARD_COUNT_UP_TO = COUNT_UP_TO


def dashboard_counts(*, today: datetime.date | None = None) -> dict[str, int]:
    """What the staff home page shows, in one statement whatever the size of the books.

    Each figure is its own COUNT, planned on its own: today's jobs off the scheduled_date index, in
    progress and overdue off (status, scheduled_date), failed messages off their partial index. One
    aggregate with a FILTER per figure (as this was) read every job to fill them all. A figure above
    DASHBOARD_COUNT_UP_TO comes back as DASHBOARD_COUNT_UP_TO + 1 (staff_dashboard shows "10000+").
    """
    today = today or timezone.localdate()
    return _counts(
        today=Service.objects.filter(scheduled_date=today),
        in_progress=Service.objects.filter(status=ServiceStatus.IN_PROGRESS),
        overdue=Service.objects.filter(overdue_q(today=today)),
        failed_notifications=Notification.objects.filter(status=NotificationStatus.FAILED, delivery_uncertain=False),
        # Counted apart: these may have reached the client, and a person decides whether to resend.
        uncertain_notifications=Notification.objects.filter(status=NotificationStatus.FAILED, delivery_uncertain=True),
    )


def _counts(**querysets: QuerySet[Model]) -> dict[str, int]:
    """{name: COUNT(*) of each queryset, up to DASHBOARD_COUNT_UP_TO + 1}, in one round trip:
    SELECT (SELECT COUNT(*) FROM (... LIMIT n)), (...), ..."""
    parts: list[str] = []
    params: list[Any] = []
    for queryset in querysets.values():
        bounded = queryset.order_by().values("pk")[: DASHBOARD_COUNT_UP_TO + 1]
        sql, queryset_params = bounded.query.get_compiler(using=queryset.db).as_sql()
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) AS counted)")
        params += queryset_params
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        return dict(zip(querysets, cursor.fetchone()))


# The staff list's search. The admin's own search ORs `icontains` over columns of three joined tables
# (services, vehicles, clients), which no index can serve: every search joined all services to their
# cars and owners (about 0.5 s at scale 1, bench/notes.md). Here each word first finds the matching
# cars (plate or owner's name, through trigram indexes) and the service types containing it (a loose
# index scan: a few dozen types), then the jobs are matched on their own columns: service type (btree)
# or car id (the foreign-key index). A word no service type contains can only match through the car,
# so such words' cars are intersected here: "KCF 783Y" becomes the one car both words find.

# Above this many matching cars (a one-letter word), the admin's join is used instead of a list of ids. At
# scale 10 a common surname ("Korir": 5 048 clients, 8 500 cars) is still listed.
SEARCH_VEHICLE_IDS_MAX = 20_000


def _search_words(term: str) -> Iterator[str]:
    """The words of `term` as the admin splits them: quoted phrases kept whole."""
    from django.utils.text import smart_split, unescape_string_literal

    for word in smart_split(term):
        if word.startswith(('"', "'")) and word[0] == word[-1]:
            word = unescape_string_literal(word)
        if word:
            yield word


def _car_ids(*querysets: QuerySet[Model]) -> list[str] | None:
    """The ids of the cars any of `querysets` finds, as a list of their text forms; None when there are
    too many to list.

    One query: a UNION of the halves, each served by its own index (an OR across the join would not be).
    The ids come back as text (`id::text`): they are only compared, intersected and written into an
    array literal, and making a uuid.UUID of each, then a str again, cost ~15 ms of Python for a common
    surname's 8 500 cars (bench/notes.md, "Services searched by a surname").
    """
    halves = [qs.order_by().annotate(car_key=Cast("pk", TextField())).values_list("car_key", flat=True)
              for qs in querysets]
    union = halves[0].union(*halves[1:]) if len(halves) > 1 else halves[0]
    ids = list(union[: SEARCH_VEHICLE_IDS_MAX + 1])
    return None if len(ids) > SEARCH_VEHICLE_IDS_MAX else ids


def _car_in(ids: list[str]) -> Q:
    """vehicle_id = ANY('{...}'::uuid[]): the ids as one array literal. `vehicle_id__in=ids` sends one
    parameter per id, which PostgreSQL parses and plans one by one (thousands for a common surname),
    in every query of the page (count, rows, date drill-down)."""
    if len(ids) == 1:
        # One car (a plate searched): an equality, which PostgreSQL reads off services_car_order_idx for
        # the list and its first and last dates; with `= ANY('{id}')` it walked every job's date order
        # from each end until it met the car's (11 000 jobs for a busy car at scale 1).
        return Q(vehicle_id=ids[0])
    array = Cast(Value("{" + ",".join(ids) + "}"), ArrayField(UUIDField()))
    return Q(EqualsAny(F("vehicle_id"), array))


def service_search_filter(term: str, *, owner_details: bool = True) -> Q | None:
    """A Q for the jobs the staff search `term` finds, or None for an empty term.

    Each word must match the service type, the car's plate, or the owner's first or last name (any
    case, anywhere in it), as the admin's own search did; the whole term may also be a plate typed any
    way (exact match on the normalised plate) or the owner's phone or email (through its hash).

    `owner_details=False` (staff who may not see clients, docs/staff-guide.md "Roles"): the owner is
    matched by first name only, never by surname, phone or email, so a search cannot tell such a user
    whose a number or surname is.
    """
    from clients.models import Client
    from clients.selectors import client_search_filter
    from concierge.db.loose_index_scan import indexed_values_containing
    from fleet.models import Vehicle
    from fleet.selectors import vehicle_search_filter

    words = list(_search_words(term))
    if not words:
        return None
    types = indexed_values_containing(Service, "service_type", words, using=Service.objects.db)
    other_words = Q()
    cars_of_every_word: set[str] | None = None
    for word in words:
        owner_name = Q(first_name__icontains=word)
        if owner_details:
            owner_name |= Q(last_name__icontains=word)
        owners = Client.objects.filter(owner_name).values("pk")
        cars = _car_ids(Vehicle.objects.filter(license_plate__icontains=word), Vehicle.objects.filter(client__in=owners))
        if cars is not None and not types[word]:
            cars_of_every_word = set(cars) if cars_of_every_word is None else cars_of_every_word & set(cars)
            continue
        if cars is None:  # a word matching thousands of cars: the admin's own join, correct if not fast
            word_cars = Q(vehicle__license_plate__icontains=word) | Q(vehicle__client__first_name__icontains=word)
            if owner_details:
                word_cars |= Q(vehicle__client__last_name__icontains=word)
        else:
            word_cars = _car_in(cars)
        other_words &= Q(service_type__in=types[word]) | word_cars if types[word] else word_cars
    exact: list[QuerySet[Vehicle]] = []
    plate = vehicle_search_filter(term)
    if plate is not None:
        exact.append(Vehicle.objects.filter(plate))
    contact = client_search_filter(term) if owner_details else None
    if contact is not None:
        exact.append(Vehicle.objects.filter(client__in=Client.objects.filter(contact).values("pk")))
    exact_cars = _car_ids(*exact) if exact else []
    exact_match: Q | None
    if exact_cars is None:  # a client with thousands of cars: let the database join
        either = exact[0] if len(exact) == 1 else exact[0] | exact[1]
        exact_match = Q(vehicle__in=either.values("pk"))
    else:
        exact_match = _car_in(exact_cars) if exact_cars else None
    if not other_words and exact_cars is not None:
        # Every word matches through the car only: one list of cars, the words' and the exact ones.
        return _car_in(sorted((cars_of_every_word or set()) | set(exact_cars)))
    matched = other_words
    if cars_of_every_word is not None:
        matched &= _car_in(sorted(cars_of_every_word))
    if exact_match is not None:
        matched |= exact_match
    return matched


def service_type_choices(*, keep: str | None = None, using: str = "default") -> list[str]:
    """The names staff may book: the catalogue's active types, by name. `keep` (a job's current type,
    perhaps retired since) stays offered so editing that job does not force a new type on it."""
    from .models import ServiceType

    names = list(ServiceType.objects.using(using).filter(active=True).order_by("name").values_list("name", flat=True))
    if keep and keep not in names:
        names.append(keep)
    return names


# The technician's phone view shows at most this many of each list (a day's work fits; the board has the rest).
WORKSHOP_JOBS_SHOWN = 30


def workshop_jobs(*, technician: str, today: datetime.date | None = None) -> tuple[list[Service], list[Service]]:
    """(the technician's jobs for today, the unassigned ones waiting), for their phone view.

    Theirs: booked under their name (the technician column holds names) and on the board today (booked
    today, overdue, in progress, or completed today). Unassigned: pending, booked today or overdue, no
    technician yet. Oldest booking first, as on the board.
    """
    today = today or timezone.localdate()
    order = ("scheduled_date", "created_at", "id")
    base = Service.objects.select_related("vehicle__client").defer(
        "notes", "vehicle__metadata", "vehicle__client__email", "vehicle__client__phone", "vehicle__client__address")
    mine = list(base.filter(board_q(today=today), technician=technician).exclude(status=ServiceStatus.CANCELLED)
                .order_by(*order)[:WORKSHOP_JOBS_SHOWN]) if technician else []
    waiting = list(
        base.filter(Q(technician__isnull=True) | Q(technician=""), status=ServiceStatus.PENDING,
                    scheduled_date__lte=today)
        .order_by(*order)[:WORKSHOP_JOBS_SHOWN]
    )
    return mine, waiting

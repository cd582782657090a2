"""Working out every car's predicted services (forecasting/estimate.py) and writing them, in batches.

A full refresh (nightly) reads every believed reading once to get each car's own km per day and the
make/model medians, then goes through the cars a batch at a time: three SELECTs (readings, last
services, makes), one DELETE of the rows no longer predicted and one upsert from arrays per batch,
each batch its own transaction, so a car's rows are always a whole set. A one-car refresh (after a reading) takes the make/model
median from the stored rows instead of recomputing the fleet.
"""

import datetime
import statistics
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from servicing.models import ServiceStatus, ServiceType

from .estimate import OwnRate, Reading, Source, due_predict, own_rate, rate_choose

BATCH_SIZE = 5_000
# A make and model's median needs this many cars with their own rate; fewer say little about a model.
FLEET_MIN_CARS = 3

_READINGS_SQL = (
    "SELECT vehicle_id, read_on, mileage FROM odometer_readings "
    "WHERE flag = '' AND read_on <= %s {where} ORDER BY vehicle_id, read_on, id"
)


def interval_types() -> dict[str, tuple[Any, int | None, int | None]]:
    """The active catalogue types with an interval: name → (id, interval_km, interval_months)."""
    rows = (ServiceType.objects.filter(active=True).exclude(interval_km__isnull=True, interval_months__isnull=True)
            .values_list("name", "pk", "interval_km", "interval_months"))
    return {name: (pk, km, months) for name, pk, km, months in rows}


def _readings_by_car(cursor: Any, *, today: datetime.date, vehicle_ids: Sequence[Any] | None) -> dict[Any, list[Reading]]:
    where, params = ("AND vehicle_id = ANY(%s)", [list(vehicle_ids)]) if vehicle_ids is not None else ("", [])
    cursor.execute(_READINGS_SQL.format(where=where), [today, *params])
    readings: dict[Any, list[Reading]] = defaultdict(list)
    for vehicle_id, read_on, mileage in cursor.fetchall():
        readings[vehicle_id].append((read_on, mileage))
    return readings


def fleet_medians_compute(*, today: datetime.date) -> tuple[dict[Any, OwnRate], dict[tuple[str, str], float]]:
    """Every car's own rate (those that have one) and each make/model's median of them."""
    own: dict[Any, OwnRate] = {}
    models: dict[Any, tuple[str, str]] = {}
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, make, model FROM vehicles")
        models = {pk: (make.casefold(), model.casefold()) for pk, make, model in cursor.fetchall()}
        # One pass over the believed readings, car by car (a server-side cursor would stream them; at
        # scale 10 they are a few hundred MB of tuples at most, read once).
        for vehicle_id, readings in _readings_by_car(cursor, today=today, vehicle_ids=None).items():
            rate = own_rate(readings, as_of=today)
            if rate is not None:
                own[vehicle_id] = rate
    by_model: dict[tuple[str, str], list[float]] = defaultdict(list)
    for vehicle_id, rate in own.items():
        if vehicle_id in models:
            by_model[models[vehicle_id]].append(rate.km_per_day)
    medians = {key: statistics.median(rates) for key, rates in by_model.items() if len(rates) >= FLEET_MIN_CARS}
    return own, medians


def _stored_fleet_median(make: str, model: str) -> float | None:
    """A make/model's median km per day among the cars whose stored prediction rests on their own readings."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY p.km_per_day), count(*)
            FROM (SELECT DISTINCT ON (sp.vehicle_id) sp.km_per_day FROM service_predictions sp
                  JOIN vehicles v ON v.id = sp.vehicle_id
                  WHERE sp.rate_source = %s AND lower(v.make) = %s AND lower(v.model) = %s
                  ORDER BY sp.vehicle_id) p
            """,
            [Source.OWN, make.casefold(), model.casefold()],
        )
        median, cars = cursor.fetchone()
    return float(median) if median is not None and cars >= FLEET_MIN_CARS else None


_COLUMNS = ("vehicle_id", "service_type_id", "km_per_day", "rate_source", "confidence", "readings_used",
            "last_service_date", "km_since_last", "due_date", "due_by")
_TYPES = ("uuid", "uuid", "float8", "text", "text", "int", "date", "int", "date", "text")
# An upsert, not DELETE + INSERT: the nightly batch and a car's own refresh after a reading may run at
# once; both write the car's rows and the last one wins, where two INSERTs would break the unique key.
_UPSERT_SQL = (
    f"INSERT INTO service_predictions ({', '.join(_COLUMNS)}, refreshed_at) "
    f"SELECT *, now() FROM unnest({', '.join(f'%s::{t}[]' for t in _TYPES)}) "
    "ON CONFLICT (vehicle_id, service_type_id) DO UPDATE SET "
    + ", ".join(f"{c} = EXCLUDED.{c}" for c in (*_COLUMNS[2:], "refreshed_at"))
)
# The rows of these cars that this refresh did not write (a type retired, a job deleted).
_DELETE_STALE_SQL = (
    "DELETE FROM service_predictions sp WHERE sp.vehicle_id = ANY(%s) AND NOT EXISTS ("
    "SELECT 1 FROM unnest(%s::uuid[], %s::uuid[]) AS fresh(vehicle_id, service_type_id) "
    "WHERE fresh.vehicle_id = sp.vehicle_id AND fresh.service_type_id = sp.service_type_id)"
)


def _batch_refresh(
    vehicle_ids: Sequence[Any], *, today: datetime.date, types: dict[str, tuple[Any, int | None, int | None]],
    own: dict[Any, OwnRate] | None, medians: dict[tuple[str, str], float] | None, default: float,
) -> int:
    columns: list[list[Any]] = [[] for _ in _COLUMNS]
    with transaction.atomic(), connection.cursor() as cursor:
        readings = _readings_by_car(cursor, today=today, vehicle_ids=vehicle_ids)
        cursor.execute(
            "SELECT vehicle_id, service_type, max(coalesce(completed_date, scheduled_date)) FROM services "
            "WHERE vehicle_id = ANY(%s) AND status = %s AND service_type = ANY(%s) "
            "AND coalesce(completed_date, scheduled_date) <= %s GROUP BY 1, 2",
            [list(vehicle_ids), ServiceStatus.COMPLETED.value, list(types), today],
        )
        last_services = cursor.fetchall()
        cursor.execute("SELECT id, make, model FROM vehicles WHERE id = ANY(%s)", [list(vehicle_ids)])
        makes = {pk: (make, model) for pk, make, model in cursor.fetchall()}
        rates: dict[Any, Any] = {}
        for vehicle_id, type_name, last_date in last_services:
            if vehicle_id not in makes or last_date is None:
                continue
            car_readings = readings.get(vehicle_id, [])
            if vehicle_id not in rates:
                make, model = makes[vehicle_id]
                if medians is None:  # a one-car refresh: the median as stored
                    mine = own_rate(car_readings, as_of=today)
                    median = None if mine is not None else _stored_fleet_median(make, model)
                else:
                    mine = (own or {}).get(vehicle_id)
                    median = medians.get((make.casefold(), model.casefold()))
                rates[vehicle_id] = rate_choose(mine, fleet_median=median, default=default)
            rate = rates[vehicle_id]
            type_id, interval_km, interval_months = types[type_name]
            due = due_predict(readings=car_readings, last_service=last_date, today=today, km_per_day=rate.km_per_day,
                              interval_km=interval_km, interval_months=interval_months)
            if due is None:
                continue
            for column, value in zip(columns, (
                vehicle_id, type_id, rate.km_per_day, rate.source, rate.confidence, rate.readings, last_date,
                due.km_since_last, due.due_date, due.due_by,
            )):
                column.append(value)
        cursor.execute(_DELETE_STALE_SQL, [list(vehicle_ids), columns[0], columns[1]])
        if columns[0]:
            cursor.execute(_UPSERT_SQL, columns)
    return len(columns[0])


def _batches(ids: Iterable[Any], size: int) -> Iterable[list[Any]]:
    batch: list[Any] = []
    for pk in ids:
        batch.append(pk)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def predictions_refresh(*, vehicle_ids: Sequence[Any] | None = None, today: datetime.date | None = None) -> int:
    """Work out the predicted services of these cars (None: every car) as of `today` (Nairobi) and
    replace their rows. Returns how many rows were written."""
    today = today or timezone.localdate()
    types = interval_types()
    default = float(settings.PREDICTION_DEFAULT_KM_PER_DAY)
    if vehicle_ids is not None:
        vehicle_ids = [pk if isinstance(pk, uuid.UUID) else uuid.UUID(str(pk)) for pk in vehicle_ids]
        return sum(_batch_refresh(batch, today=today, types=types, own=None, medians=None, default=default)
                   for batch in _batches(vehicle_ids, BATCH_SIZE))
    own, medians = fleet_medians_compute(today=today)
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM vehicles ORDER BY id")
        all_ids = [row[0] for row in cursor.fetchall()]
    written = sum(_batch_refresh(batch, today=today, types=types, own=own, medians=medians, default=default)
                  for batch in _batches(all_ids, BATCH_SIZE))
    # Types retired or stripped of their interval since the last run.
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM service_predictions WHERE NOT (service_type_id = ANY(%s))",
                       [[pk for pk, _, _ in types.values()]])
    return written

"""Which odometer readings can be believed, and the history recovered from the audit trail.

One rule for every reading, live or recovered (`reading_flags`): a car's readings in date order, each
compared with the last reading that was believed. Lower than it: flagged `backwards` (a typo, a
swapped car, a rolled-back clock). More km than a car can cover in the days between: flagged `jump`.
A staff correction (the "correct the mileage" tick) is believed whatever came before, and the
earlier believed readings above it are flagged `corrected`: the mistyped one is replaced, and the
readings after the correction are compared with it. A flagged reading is kept, with its reason, and
predictions skip it.
"""

import datetime
from collections.abc import Sequence
from typing import Any

from .models import ReadingFlag, ReadingSource

# A Nairobi–Mombasa run (480 km) there and back, every day, with room to spare. A matatu or a long
# distance taxi covers 300–600 km a day; above this the reading is a typo (an extra digit).
MAX_KM_PER_DAY = 1_200


def reading_flags(
    readings: Sequence[tuple[datetime.date, int]], *, corrections: Sequence[bool] | None = None,
) -> list[str]:
    """The flag of each reading of one car, `readings` in the order they were taken (date, then entry);
    `corrections[i]` says reading i is a staff correction."""
    flags: list[str] = []
    last: tuple[datetime.date, int] | None = None
    for i, (read_on, mileage) in enumerate(readings):
        if corrections is not None and corrections[i]:
            for j in range(i):
                if flags[j] == ReadingFlag.OK and readings[j][1] > mileage:
                    flags[j] = ReadingFlag.CORRECTED
            flags.append(ReadingFlag.OK)
            last = (read_on, mileage)
            continue
        if last is not None and mileage < last[1]:
            flags.append(ReadingFlag.BACKWARDS)
            continue
        if last is not None and mileage - last[1] > MAX_KM_PER_DAY * max((read_on - last[0]).days, 1):
            flags.append(ReadingFlag.JUMP)
            continue
        flags.append(ReadingFlag.OK)
        last = (read_on, mileage)
    return flags


# The audit trigger stores a car's columns on INSERT and the changed ones on UPDATE, as JSON: every row
# naming `mileage` is a reading the shop recorded, on that day (Nairobi). Readings of 0 are the column's
# default (no reading given) and are left out. Cars whose trail has no reading (history purged by
# retention) get their current mileage as one reading, dated when the row last changed.
_RECOVER_SQL = [
    """
    INSERT INTO odometer_readings (vehicle_id, read_on, mileage, source, flag, created_at)
    SELECT a.record_id, (a.timestamp AT TIME ZONE 'Africa/Nairobi')::date, (a.new_values->>'mileage')::int,
           'audit', '', a.timestamp
    FROM audit_logs a JOIN vehicles v ON v.id = a.record_id
    WHERE a.table_name = 'vehicles' AND a.action IN ('INSERT', 'UPDATE')
      AND jsonb_typeof(a.new_values->'mileage') = 'number' AND (a.new_values->>'mileage')::int > 0
    ORDER BY a.record_id, a.timestamp
    """,
    """
    INSERT INTO odometer_readings (vehicle_id, read_on, mileage, source, flag, created_at)
    SELECT v.id, (v.updated_at AT TIME ZONE 'Africa/Nairobi')::date, v.mileage, 'audit', '', v.updated_at
    FROM vehicles v
    WHERE v.mileage > 0 AND NOT EXISTS (SELECT 1 FROM odometer_readings r WHERE r.vehicle_id = v.id)
    """,
]


def flags_write(cursor: Any, *, vehicle_ids: Sequence[Any] | None = None) -> int:
    """Apply `reading_flags` to the readings of these cars (None: every car) in one pass ordered by
    car; only changed flags are written, in one UPDATE. Returns how many changed."""
    where, params = ("WHERE vehicle_id = ANY(%s)", [list(vehicle_ids)]) if vehicle_ids is not None else ("", [])
    cursor.execute(
        f"SELECT id, vehicle_id, read_on, mileage, flag, source FROM odometer_readings {where} "
        "ORDER BY vehicle_id, read_on, id",
        params,
    )
    changed_ids: list[int] = []
    changed_flags: list[str] = []
    car: list[tuple[int, datetime.date, int, str, str]] = []
    current = None

    def settle() -> None:
        flags = reading_flags([(d, m) for _, d, m, _, _ in car],
                              corrections=[source == ReadingSource.CORRECTION for *_, source in car])
        for (reading_id, _, _, old, _), new in zip(car, flags):
            if old != new:
                changed_ids.append(reading_id)
                changed_flags.append(str(new))

    for reading_id, vehicle_id, read_on, mileage, flag, source in cursor.fetchall():
        if vehicle_id != current:
            settle()
            car, current = [], vehicle_id
        car.append((reading_id, read_on, mileage, flag, source))
    settle()
    if changed_ids:
        cursor.execute(
            "UPDATE odometer_readings r SET flag = u.flag FROM unnest(%s::bigint[], %s::text[]) AS u(id, flag) "
            "WHERE r.id = u.id",
            [changed_ids, changed_flags],
        )
    return len(changed_ids)


def history_recover(connection: Any) -> int:
    """Fill odometer_readings from the audit trail (run once, by fleet's migration); returns the rows added."""
    with connection.cursor() as cursor:
        added = 0
        for sql in _RECOVER_SQL:
            cursor.execute(sql)
            added += cursor.rowcount
        flags_write(cursor)
    return added

"""The audit trail of the scaled shop: what its five years of changes would have written to audit_logs.

In order, while the budget lasts: one INSERT per row of the other tables (skipped when database
triggers already wrote them during the COPY), each job's status changes, then the small edits a
shop makes every day (a new address, a mileage reading, a note on a job).
"""

import json

from . import kenya
from .scale import CANCELLED, COMPLETED, IN_PROGRESS, NO_DAY, STATUS_CODES


def audit_row(shop, i, table, record, action, day, old=None, new=None, by_staff=True):
    return {
        "id": shop.uuid("audit_logs", i),
        "table_name": table,
        "record_id": shop.uuid(table, record),
        "action": action,
        "old_values": None if old is None else json.dumps(old),
        "new_values": None if new is None else json.dumps(new),
        "user_id": shop.rng.choice(shop.staff_ids) if by_staff else None,
        "timestamp": shop.moment(min(day, shop.today)),
    }


def _inserts(shop):
    for c in range(len(shop.client_joined)):
        yield "clients", c, "INSERT", shop.client_joined[c], None, {"first_name": kenya.FIRST_NAMES[shop.client_first[c]]}, True
    for v in range(len(shop.vehicle_client)):
        yield "vehicles", v, "INSERT", shop.vehicle_bought[v], None, {"license_plate": shop.plate(v)}, True
    for s in range(len(shop.service_status)):
        new = {"status": "pending", "scheduled_date": shop.days[shop.service_day[s]].isoformat()}
        yield "services", s, "INSERT", max(shop.service_day[s] - 3, 0), None, new, True
    for n in range(len(shop.notification_day)):
        yield "notifications", n, "INSERT", shop.notification_day[n], None, {"status": "sent"}, False


def _status_changes(shop):
    for s in range(len(shop.service_status)):
        status, day = shop.service_status[s], shop.service_day[s]
        if status in (IN_PROGRESS, COMPLETED):
            yield "services", s, "UPDATE", day, {"status": "pending"}, {"status": "in_progress"}, True
        if status == COMPLETED and shop.service_done[s] != NO_DAY:
            yield ("services", s, "UPDATE", shop.service_done[s],
                   {"status": "in_progress"}, {"status": STATUS_CODES[COMPLETED]}, True)
        elif status == CANCELLED:
            yield "services", s, "UPDATE", day, {"status": "pending"}, {"status": "cancelled"}, True


def _edits(shop):
    rng = shop.rng
    clients, vehicles, services = len(shop.client_joined), len(shop.vehicle_client), len(shop.service_status)
    while True:
        roll = rng.random()
        if roll < 0.5:
            s = int(rng.random() * services)
            yield "services", s, "UPDATE", shop.service_day[s], {"notes": None}, {"notes": "Parts ordered."}, True
        elif roll < 0.8:
            v = int(rng.random() * vehicles)
            day = shop.vehicle_bought[v] + int(rng.random() * (shop.today - shop.vehicle_bought[v]))
            reading = 40_000 + int(rng.random() * 200_000)
            yield "vehicles", v, "UPDATE", day, {"mileage": reading - 3_000}, {"mileage": reading}, True
        else:
            c = int(rng.random() * clients)
            day = shop.client_joined[c] + int(rng.random() * (shop.today - shop.client_joined[c]))
            yield "clients", c, "UPDATE", day, {"consent_gdpr": False}, {"consent_gdpr": True}, True


def audit_rows(shop, *, budget, with_inserts):
    """`budget` audit rows; with_inserts=False when triggers already recorded the inserts."""
    phases = ([_inserts(shop)] if with_inserts else []) + [_status_changes(shop), _edits(shop)]
    i = 0
    for phase in phases:
        for table, record, action, day, old, new, by_staff in phase:
            if i >= budget:
                return
            yield audit_row(shop, i, table, record, action, day, old, new, by_staff)
            i += 1

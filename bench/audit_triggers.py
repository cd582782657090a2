"""What the audit trigger costs: 10 000 service updates with and without it, in one run.

Runs inside one transaction that is rolled back at the end, so the development database is left as
it was. Rounds alternate (with, without / without, with, ...) so that warm-up and table growth fall on
both sides; the median of each side is compared. Usage: make bench-audit [BENCH_ARGS="--updates 10000 --rounds 3"]
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "concierge.settings.local")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.db.models import F  # noqa: E402

from clients.models import Client  # noqa: E402
from fleet.models import Vehicle  # noqa: E402
from servicing.models import Service  # noqa: E402


class Rollback(Exception):
    pass


def audit_trigger_name():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgname FROM pg_trigger WHERE tgrelid = 'services'::regclass AND tgname LIKE 'pgtrigger_audit_%%'"
        )
        return cursor.fetchone()[0]


def one_by_one(ids, updates):
    """One UPDATE statement per service update, as a status or cost edit from the admin makes."""
    started = time.perf_counter()
    for i in range(updates):
        Service.objects.filter(pk=ids[i % len(ids)]).update(cost=F("cost") + 1)
    return time.perf_counter() - started


def in_one_statement(ids, updates):
    """All the updates in one statement (a bulk update()): no round trips, so the trigger's share shows."""
    assert updates == len(ids)
    started = time.perf_counter()
    Service.objects.filter(pk__in=ids).update(cost=F("cost") + 1)
    return time.perf_counter() - started


def audit_rows():
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM audit_logs WHERE table_name = 'services' AND action = 'UPDATE'")
        return cursor.fetchone()[0]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--updates", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=4)
    args = parser.parse_args()

    cases = {"one UPDATE per service (ORM)": one_by_one, "one UPDATE of all rows (bulk update())": in_one_statement}
    timings: dict[tuple[str, str], list[float]] = {(case, side): [] for case in cases for side in ("with", "without")}
    try:
        with transaction.atomic():
            client = Client.objects.create(first_name="Bench", last_name="Mark", email="bench@bench.invalid")
            vehicle = Vehicle.objects.create(client=client, make="Toyota", model="Probox", vin="BENCH000000000001")
            ids = [s.pk for s in Service.objects.bulk_create(
                Service(vehicle=vehicle, service_type="Oil Change") for _ in range(args.updates))]
            trigger = audit_trigger_name()
            with connection.cursor() as cursor:
                # Run the deferred foreign-key checks of the setup now: ALTER TABLE refuses to
                # run while trigger events are pending.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            one_by_one(ids, min(1_000, args.updates))  # warm-up: caches, plans
            for round_ in range(args.rounds):
                for case, run in cases.items():
                    # Every update leaves a dead row version the open transaction cannot reclaim, so
                    # later runs are slower: each side goes first in every other round.
                    for side in ("with", "without") if round_ % 2 == 0 else ("without", "with"):
                        with connection.cursor() as cursor:
                            state = "ENABLE" if side == "with" else "DISABLE"
                            cursor.execute(f"ALTER TABLE services {state} TRIGGER {trigger}")
                        before = audit_rows()
                        timings[case, side].append(run(ids, args.updates))
                        # The figures mean something only if the trigger really ran (or not).
                        assert audit_rows() - before == (args.updates if side == "with" else 0)
            raise Rollback
    except Rollback:
        pass

    print(f"{args.updates} service updates, median of {args.rounds} alternating rounds, all rolled back:")
    for case in cases:
        with_s = statistics.median(timings[case, "with"])
        without_s = statistics.median(timings[case, "without"])
        print(f"  {case}:")
        print(f"    with audit trigger:    {with_s:7.3f} s  ({with_s / args.updates * 1e6:5.0f} µs/update)")
        print(f"    without audit trigger: {without_s:7.3f} s  ({without_s / args.updates * 1e6:5.0f} µs/update)")
        print(f"    ratio with/without:    {with_s / without_s:.2f}x")


if __name__ == "__main__":
    main()

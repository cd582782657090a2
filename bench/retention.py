"""What dropping expired months saves: retention on the scale-N bench database by DELETE vs by DROP.

Both ways remove the same rows (notifications by created_at, audit rows by timestamp, older than
--months), each inside a transaction that is rolled back, so the bench database is left as it was:
- rows: the purge as it was before the tables were partitioned, DELETE ... LIMIT batch at a time;
- partitions: concierge.audit.services.retention_purge (DETACH + DROP of the months wholly past the
  cutoff, then the same batched DELETE for the month the cutoff falls in).
Rolled back rather than committed, the DELETE side writes no commit records: if anything it flatters it.

Usage: make bench-retention [BENCH_ARGS="--scale 1 --months 24 --batch-size 1000"]
(seeds the bench database of that scale first if it is missing, like make bench).
"""

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


class Rollback(Exception):
    pass


def _by_rows(*, before, batch_size):
    """The purge as it was (concierge/audit/services.py before partitioning), by the partition keys.
    Run as the owner role (main() connects as it): only the owner may delete audit rows."""
    import pgtrigger
    from django.db import connection, transaction

    counts = {}
    for table, column in (("notifications", "created_at"), ("audit_logs", '"timestamp"')):
        counts[table] = 0
        while True:
            with transaction.atomic(), pgtrigger.ignore("notifications.Notification:audit"), connection.cursor() as cursor:
                cursor.execute(
                    f"DELETE FROM {table} WHERE id IN (SELECT id FROM {table} WHERE {column} < %s LIMIT %s)",
                    [before, batch_size],
                )
                deleted = cursor.rowcount
            counts[table] += deleted
            if deleted < batch_size:
                break
    return counts


def _timed(run):
    from django.db import transaction

    result = {}
    started = time.perf_counter()
    try:
        with transaction.atomic():
            result.update(run())
            elapsed = time.perf_counter() - started
            raise Rollback
    except Rollback:
        pass
    return elapsed, result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1)
    parser.add_argument("--months", type=int, default=24)
    parser.add_argument("--batch-size", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    from bench.databases import database_name, ensure_seeded

    os.environ["BENCH_DATABASE_NAME"] = database_name(args.scale)
    import django

    django.setup()
    from django.conf import settings

    from concierge.audit.services import retention_cutoff, retention_purge
    from concierge.db.roles import as_owner

    as_owner().__enter__()  # for the whole run: the row-by-row side deletes audit rows
    ensure_seeded(settings.DATABASES["default"], scale=args.scale, seed=args.seed, say=lambda m: print(m, file=sys.stderr))
    before = retention_cutoff(months=args.months)
    print(f"retention of {args.months} months on {settings.DATABASES['default']['NAME']}, each side rolled back:")
    sides = {
        "by rows (batched DELETE)": lambda: _by_rows(before=before, batch_size=args.batch_size),
        "by partitions (DROP + boundary month)": lambda: retention_purge(months=args.months, batch_size=args.batch_size),
    }
    seconds = {}
    for name, run in sides.items():
        seconds[name], counts = _timed(run)
        print(f"  {name}: {seconds[name]:8.2f} s  ({', '.join(f'{n:,} {t}' for t, n in counts.items())})")
    rows, partitions = seconds.values()
    print(f"  ratio rows/partitions: {rows / partitions:.1f}x")


if __name__ == "__main__":
    main()

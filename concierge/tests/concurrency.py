"""Two staff at once, for real: each request in its own thread with its own database connection.

`at_once` holds the row's lock from a third connection (the test's own) while the calls start, and lets
go only when every one of them is waiting for that lock: each has then read what it read before
writing, exactly as two people pressing Save in the same instant. No sleeps decide the outcome: the
wait is for PostgreSQL to report the waiters (pg_locks), with a bound only so a broken test ends.
"""

import threading
import time

from django.db import connection, connections, transaction

# How long a call may take to reach the lock before the test gives up (a hang, not a measurement).
REACH_THE_LOCK_WITHIN_SECONDS = 60


def backends_waiting_for_a_lock() -> int:
    with connection.cursor() as cursor:
        # pg_locks is read afresh on every call (unlike pg_stat_activity, snapshotted per transaction).
        cursor.execute("SELECT count(DISTINCT pid) FROM pg_locks WHERE NOT granted AND pid <> pg_backend_pid()")
        return cursor.fetchone()[0]


def at_once(row, *calls):
    """Run each of `calls` in its own thread, all of them held at `row`'s lock until every one waits
    there; return their results in order (an exception in a call is raised here)."""
    results, errors = [None] * len(calls), []

    def run(index, call):
        try:
            results[index] = call()
        except BaseException as error:  # handed to the test's thread
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    with transaction.atomic():
        type(row)._default_manager.select_for_update().get(pk=row.pk)
        for thread in threads:
            thread.start()
        give_up = time.monotonic() + REACH_THE_LOCK_WITHIN_SECONDS
        while backends_waiting_for_a_lock() < len(calls):
            if not any(thread.is_alive() for thread in threads) or time.monotonic() > give_up:
                break
            time.sleep(0.01)
        waiting = backends_waiting_for_a_lock()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    assert waiting == len(calls), f"only {waiting} of {len(calls)} calls reached the row's lock together"
    return results

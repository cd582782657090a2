"""Ownership periods written in bulk, in plain SQL on the tables as they are (no model classes): the
migration that made `vehicle_ownerships` fills it for the cars already on file, and the demo and scale
seeds, which insert cars without fleet.services, call ownerships_open_missing after their inserts.

A car's first period starts at the earlier of its row's `created_at` and its first job's: jobs
imported or seeded with an older date than the car's row are the first owner's, not nobody's.
"""

from collections import defaultdict

FIRST_START = """
    LEAST(v.created_at, COALESCE((SELECT min(s.created_at) FROM services s WHERE s.vehicle_id = v.id), v.created_at))
"""


def ownerships_open_missing(cursor) -> int:
    """One open period, for the car's current client, for every car that has no period at all.
    Returns how many were written."""
    cursor.execute(f"""
        INSERT INTO vehicle_ownerships (id, vehicle_id, client_id, started_at)
        SELECT gen_random_uuid(), v.id, v.client_id, {FIRST_START}
          FROM vehicles v
         WHERE NOT EXISTS (SELECT 1 FROM vehicle_ownerships o WHERE o.vehicle_id = v.id)
    """)
    return cursor.rowcount


def history_recover(cursor) -> int:
    """Periods of earlier owners, from the audit trail's changes of `vehicles.client_id` (each UPDATE
    row keeps the old and the new client and when): the car was the old client's from the start of its
    period until the change. Cars whose client never changed (or whose changes retention has dropped)
    are left to ownerships_open_missing. A period of a client deleted since is left out (its rows went
    with the client), leaving a gap nobody's jobs fall in. Returns how many periods were written."""
    cursor.execute("""
        SELECT a.record_id, a.timestamp, a.old_values ->> 'client_id', a.new_values ->> 'client_id'
          FROM audit_logs a JOIN vehicles v ON v.id = a.record_id
         WHERE a.table_name = 'vehicles' AND a.action = 'UPDATE' AND a.new_values ? 'client_id'
         ORDER BY a.record_id, a.timestamp, a.id
    """)
    changes = defaultdict(list)
    for vehicle_id, at, old, new in cursor.fetchall():
        changes[vehicle_id].append((at, old, new))
    if not changes:
        return 0
    cursor.execute(f"SELECT v.id, {FIRST_START}, v.client_id::text FROM vehicles v WHERE v.id = ANY(%s)",
                   [list(changes)])
    cars = {vehicle_id: (start, current) for vehicle_id, start, current in cursor.fetchall()}
    cursor.execute("SELECT id::text FROM clients")
    on_file = {row[0] for row in cursor.fetchall()}
    periods = []
    for vehicle_id, steps in changes.items():
        start, current = cars[vehicle_id]
        owner = steps[0][1]
        for at, _old, new in steps:
            if at > start:
                periods.append((vehicle_id, owner, start, at))
                start = at
            owner = new  # a change at the very start (or two in one transaction) replaces the owner
        periods.append((vehicle_id, current, start, None))  # the row itself has the last word
    written = [p for p in periods if p[1] in on_file]
    for vehicle_id, client_id, started_at, ended_at in written:
        cursor.execute(
            "INSERT INTO vehicle_ownerships (id, vehicle_id, client_id, started_at, ended_at) "
            "VALUES (gen_random_uuid(), %s, %s, %s, %s)",
            [vehicle_id, client_id, started_at, ended_at],
        )
    return len(written)

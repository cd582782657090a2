"""Bounds on counting: how far a filtered list or a dashboard tile counts rows exactly before it says
"more than N" (the admin's paginator, concierge/admin/paginators.py, and servicing's dashboard)."""

# A filtered list is counted exactly up to this many rows (an index scan of at most this many entries).
# A multiple of every list_per_page in use (50, 100), so the last page linked is a full one.
COUNT_UP_TO = 10_000

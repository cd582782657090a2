"""Who is acting: passed to the database's audit triggers as a transaction-local setting."""

from django.db import connection

ACTING_USER_SETTING = "concierge.acting_user_id"


def set_acting_user(user_id):
    """Name the staff user behind the writes of the current transaction (None for system jobs).

    `set_config(..., true)` lasts until the transaction ends, so call it inside `transaction.atomic()`
    (or ATOMIC_REQUESTS); outside one it would last only for the statement itself.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config(%s, %s, true)", [ACTING_USER_SETTING, str(user_id) if user_id else ""])

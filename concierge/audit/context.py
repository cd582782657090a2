"""Who is acting: passed to the database's audit triggers as transaction-local settings.

`set_config(..., true)` lasts until the transaction ends, so nothing leaks into the next request or
task that reuses the same (persistent) connection.
"""

import contextlib

from django.db import connection, transaction

ACTING_USER_SETTING = "concierge.acting_user_id"


def _require_transaction(what):
    if not connection.in_atomic_block:
        raise RuntimeError(f"{what} needs a transaction: outside one the setting would last one statement")


def set_acting_user(user_id):
    """Name the staff user behind the writes of the current transaction (None for system jobs).

    Call it inside `transaction.atomic()`; `acting_as` below does both.
    """
    _require_transaction("set_acting_user")
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config(%s, %s, true)", [ACTING_USER_SETTING, str(user_id) if user_id else ""])


def _user_id(user):
    if user is None:
        return None
    return getattr(user, "pk", user)


@contextlib.contextmanager
def acting_as(user):
    """For tasks and management commands: one transaction whose writes are audited as `user`.

    `user` is a User, a user id, or None for a system job (audit rows then have no user_id). Nested
    in a larger transaction (a request, another job), the outer acting user is restored on the way out.
    """
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT current_setting(%s, true)", [ACTING_USER_SETTING])
        outer = cursor.fetchone()[0]
        set_acting_user(_user_id(user))
        yield
        cursor.execute("SELECT set_config(%s, %s, true)", [ACTING_USER_SETTING, outer or ""])

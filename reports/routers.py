"""Report queries read from the `reports` database alias (a read replica) when one is configured.

Only queries made inside `reading_reports()` are routed: the rest of the product keeps reading from
`default`, so a replica's lag never shows on a screen where staff just changed something. Writes and
migrations never go to the replica.
"""

import contextlib
import functools
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from typing import Any, ParamSpec, TypeVar

from django.db import connections

REPORTS_DB_ALIAS = "reports"

P = ParamSpec("P")
R = TypeVar("R")

_reading_reports = ContextVar("reading_reports", default=False)


def reports_db_alias() -> str:
    """The alias report queries use now: `reports` when configured, else `default`."""
    return REPORTS_DB_ALIAS if REPORTS_DB_ALIAS in connections.settings else "default"


@contextlib.contextmanager
def reading_reports() -> Iterator[None]:
    token = _reading_reports.set(True)
    try:
        yield
    finally:
        _reading_reports.reset(token)


def reads_reports(func: Callable[P, R]) -> Callable[P, R]:
    """Run a selector inside `reading_reports()`, whoever calls it (a view, a CSV export, a benchmark)."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with reading_reports():
            return func(*args, **kwargs)

    return wrapper


class ReportsRouter:
    def db_for_read(self, model: type[Any], **hints: Any) -> str | None:
        if _reading_reports.get() and REPORTS_DB_ALIAS in connections.settings:
            return REPORTS_DB_ALIAS
        return None

    def db_for_write(self, model: type[Any], **hints: Any) -> str | None:
        return None

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        # The replica holds the same rows as default: objects read from either may be related.
        return True

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None, **hints: Any) -> bool | None:
        return False if db == REPORTS_DB_ALIAS else None

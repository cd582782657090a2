"""What /health/ asks. Each check answers True or False; why it failed goes to the log (exception class
only: messages can name hosts), never to the response."""

import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.db import connections
from django.db.migrations.executor import MigrationExecutor

logger = logging.getLogger(__name__)

HEARTBEAT_KEY = "health:worker-heartbeat"
_migrations_applied = False  # once true, true for this process: code and migrations change only on restart


def _guard(name, check) -> bool:
    try:
        return bool(check())
    except Exception as exc:  # any failure is "unhealthy", never a 500
        logger.warning("health check %s failed: %s", name, type(exc).__name__)
        return False


def database_ok() -> bool:
    def check():
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)

    return _guard("database", check)


def redis_ok() -> bool:
    # A write and a read through the cache (the broker's Redis is proven by the worker heartbeat).
    def check():
        cache.set("health:probe", "1", timeout=30)
        return cache.get("health:probe") == "1"

    return _guard("redis", check)


def migrations_ok() -> bool:
    global _migrations_applied

    def check():
        global _migrations_applied
        executor = MigrationExecutor(connections["default"])
        _migrations_applied = not executor.migration_plan(executor.loader.graph.leaf_nodes())
        return _migrations_applied

    return _migrations_applied or _guard("migrations", check)


def worker_ok() -> bool:
    """A worker ran beat's heartbeat task recently: proves beat, the broker and a worker all work."""

    def check():
        stamp = cache.get(HEARTBEAT_KEY)
        return stamp is not None and time.time() - float(stamp) <= settings.HEALTH_WORKER_MAX_AGE_SECONDS

    return _guard("worker", check)


WEB_CHECKS = {"database": database_ok, "redis": redis_ok, "migrations": migrations_ok}
ALL_CHECKS = {**WEB_CHECKS, "worker": worker_ok}

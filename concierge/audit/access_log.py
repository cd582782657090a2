"""Access logs without personal data: query strings are cut from the request lines (and referrers)
that the web servers log.

Admin searches put what was typed in the URL (`/admin/clients/client/?q=wanjiru@example.co.ke`, and
the change pages carry it on as `?_changelist_filters=q%3D…`); so do filters by name or plate. The
page keeps working from the URL; only the log line loses the part after `?`. Installed on the access
loggers of runserver (`django.server`) and gunicorn (`gunicorn.access`) when Django starts, so it holds
whatever LOGGING or gunicorn's own log settings say; the reverse proxy's log format is the deployment's
to set (docs/audit-and-privacy.md, "Logs").
"""

import logging
import re
from collections.abc import Mapping

ACCESS_LOGGERS = ("django.server", "gunicorn.access")
# Everything from "?" to the end of the URL (a space or a quote ends it in a request line).
_QUERY = re.compile(r"\?[^\s\"]*")
REDACTED = "?[query removed]"
# gunicorn's access-log atoms (its `access_log_format`): q is the bare query string.
_GUNICORN_QUERY_ATOMS = ("q",)


def without_query(value):
    return _QUERY.sub(REDACTED, value) if isinstance(value, str) and "?" in value else value


class AccessLogQueryFilter(logging.Filter):
    """Rewrites the record's arguments in place; never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, Mapping):  # gunicorn: one dict of atoms (r, U, q, f, {header}i, …)
            record.args = {
                key: ("" if key in _GUNICORN_QUERY_ATOMS else without_query(value)) for key, value in args.items()
            }
        elif isinstance(args, tuple):  # runserver: ("GET /path?q=… HTTP/1.1", "200", "1234")
            record.args = tuple(without_query(value) for value in args)
        if isinstance(record.msg, str) and not args:
            record.msg = without_query(record.msg)
        return True


def access_log_filter_install() -> None:
    """Idempotent: one filter per access logger."""
    for name in ACCESS_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, AccessLogQueryFilter) for f in logger.filters):
            logger.addFilter(AccessLogQueryFilter())

"""PostgreSQL backend whose datetime columns are the seed's TIMESTAMP (without time zone).

The seed declares every timestamp as `TIMESTAMP ... DEFAULT CURRENT_TIMESTAMP`. We keep that type and
store UTC in it, the way Django's MySQL and SQLite backends do: aware datetimes are converted to naive
UTC on the way in, naive values become aware UTC on the way out, and time-zone conversions in SQL
(`__date`, Trunc, Extract) first read the column as UTC. Sessions run with TimeZone=UTC (Django sets
it), and a migration sets the database default to UTC so CURRENT_TIMESTAMP from psql agrees.
"""

import datetime

from django.conf import settings
from django.db.backends.postgresql import base, operations


class DatabaseOperations(operations.DatabaseOperations):
    def _convert_sql_to_tz(self, sql, params, tzname):
        if tzname and settings.USE_TZ:
            # Django's own private helper, called as its _convert_sql_to_tz (replaced here) does;
            # django-stubs does not declare private methods.
            tzname_param = self._prepare_tzname_delta(tzname)  # type: ignore[attr-defined]
            return f"(({sql}) AT TIME ZONE 'UTC') AT TIME ZONE %s", (*params, tzname_param)
        return sql, params

    def adapt_datetimefield_value(self, value):
        if value is None or hasattr(value, "resolve_expression"):
            return value
        if settings.USE_TZ and value.tzinfo is not None:
            value = value.astimezone(datetime.timezone.utc).replace(tzinfo=None)
        return value

    def get_db_converters(self, expression):
        converters = super().get_db_converters(expression)
        if expression.output_field.get_internal_type() == "DateTimeField":
            converters.append(self.convert_naive_datetime_to_utc)
        return converters

    def convert_naive_datetime_to_utc(self, value, expression, connection):
        if value is not None and settings.USE_TZ and isinstance(value, datetime.datetime) and value.tzinfo is None:
            value = value.replace(tzinfo=datetime.timezone.utc)
        return value


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations
    data_types = {**base.DatabaseWrapper.data_types, "DateTimeField": "timestamp"}

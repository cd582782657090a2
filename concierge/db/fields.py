"""Field types the seed asks for that Django does not ship."""

from django.db import models


class PgEnumField(models.CharField):
    """A column of a PostgreSQL ENUM type (the seed's `service_status`, `notification_type`).

    The type itself is created by a migration (`concierge.db.operations.CreateEnumType`) before the
    table; the database then rejects any value outside it, raw SQL included.
    """

    def __init__(self, *args, enum_name, **kwargs):
        self.enum_name = enum_name
        kwargs.setdefault("max_length", 32)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["enum_name"] = self.enum_name
        return name, path, args, kwargs

    def db_type(self, connection):
        return self.enum_name

    def cast_db_type(self, connection):
        return self.enum_name

    def rel_db_type(self, connection):
        return self.enum_name

"""Field types the seed asks for that Django does not ship."""

from django.core.exceptions import ValidationError
from django.db import models


class PgEnumField(models.CharField):
    """A column of a PostgreSQL ENUM type (the seed's `service_status`, `notification_type`).

    The type itself is created by a migration (`concierge.db.operations.CreateEnumType`) before the
    table; the database then rejects any value outside it, raw SQL included.

    A value outside the choices is refused here, before the query: PostgreSQL would refuse it with a
    DataError, which the admin's filters (`?status__exact=bogus`) do not expect and answer with a 500.
    A ValidationError is what they expect of a bad value: the list redirects to `?e=1`, as Django's
    own fields do.
    """

    def __init__(self, *args, enum_name, **kwargs):
        self.enum_name = enum_name
        kwargs.setdefault("max_length", 32)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["enum_name"] = self.enum_name
        return name, path, args, kwargs

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is not None and self.choices is not None and value not in {str(v) for v, _ in self.flatchoices}:
            raise ValidationError(
                "%(value)r is not a %(enum)s value.", code="invalid_choice",
                params={"value": value, "enum": self.enum_name},
            )
        return value

    def db_type(self, connection):
        return self.enum_name

    def cast_db_type(self, connection):
        return self.enum_name

    def rel_db_type(self, connection):
        return self.enum_name

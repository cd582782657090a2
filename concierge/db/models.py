"""Base classes for the seed's tables: UUID keys and timestamps defaulted by the database itself."""

import uuid

import pgtrigger
from django.contrib.postgres.functions import RandomUUID
from django.db import models

from .functions import CurrentTimestamp


class UUIDModel(models.Model):
    # db_default: a row inserted by raw SQL gets gen_random_uuid() too; default: the ORM knows the
    # key before saving, so related rows and events can name it within the same transaction.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, db_default=RandomUUID(), editable=False)

    class Meta:
        abstract = True


def set_updated_at_trigger():
    """BEFORE UPDATE trigger moving updated_at on every update, raw SQL included."""
    return pgtrigger.Trigger(
        name="set_updated_at",
        when=pgtrigger.Before,
        operation=pgtrigger.Update,
        func="NEW.updated_at = CURRENT_TIMESTAMP; RETURN NEW;",
    )


class TimestampedModel(UUIDModel):
    created_at = models.DateTimeField(db_default=CurrentTimestamp(), editable=False)
    updated_at = models.DateTimeField(db_default=CurrentTimestamp(), editable=False)

    class Meta:
        abstract = True

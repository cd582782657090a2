from django.db import models

from concierge.audit.triggers import audit_trigger
from concierge.db.functions import CurrentTimestamp
from concierge.db.models import UUIDModel


class Workflow(UUIDModel):
    """An automated process: when `trigger_event` happens, run `actions`. The seed's `workflows` table."""

    name = models.CharField(max_length=100)
    trigger_event = models.CharField(max_length=100)
    actions = models.JSONField()
    active = models.BooleanField(default=True, db_default=True)
    created_at = models.DateTimeField(db_default=CurrentTimestamp(), editable=False)

    class Meta:
        db_table = "workflows"
        ordering = ["trigger_event", "name"]
        indexes = [models.Index(fields=["trigger_event", "active"], name="workflows_trigger_active_idx")]
        triggers = [audit_trigger()]

    def __str__(self):
        return self.name

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


class Event(UUIDModel):
    """Something that happened to a client, car or job: the outbox between a change and its workflows.

    Written in the same transaction as the change (so a rolled-back change leaves no event, and a
    committed one survives Redis being down); a worker runs the matching workflows and stamps
    `processed_at` in the transaction that writes their notifications, so an event is handled once.

    Its three subjects are foreign keys to the domain models by string label ("clients.Client", …):
    a database relation, not an import; the platform still imports no domain app. What each subject
    is and how it reaches its parent is registered by its app (registry.py: SUBJECT_FIELDS).
    """

    name = models.CharField(max_length=100)
    client = models.ForeignKey("clients.Client", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    vehicle = models.ForeignKey("fleet.Vehicle", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    service = models.ForeignKey("servicing.Service", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    payload = models.JSONField(default=dict, blank=True)
    # Time-based events (due tomorrow, overdue) fire once per service and date: the key makes a second
    # beat tick's insert collide instead of firing again.
    dedupe_key = models.CharField(max_length=200, unique=True, null=True, blank=True)
    created_at = models.DateTimeField(db_default=CurrentTimestamp(), editable=False)
    processed_at = models.DateTimeField(null=True, blank=True)
    # When the sweeper last queued it again (see notifications.Notification.requeued_at).
    requeued_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "workflow_events"
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["created_at"], name="workflow_events_unprocessed",
                condition=models.Q(processed_at__isnull=True),
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.created_at:%Y-%m-%d %H:%M})" if self.created_at else self.name

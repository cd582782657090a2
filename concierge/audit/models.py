from django.db import models

from concierge.db.functions import CurrentTimestamp
from concierge.db.models import UUIDModel

from .triggers import protect_audit_logs_trigger


class AuditAction(models.TextChoices):
    INSERT = "INSERT", "Insert"
    UPDATE = "UPDATE", "Update"
    DELETE = "DELETE", "Delete"


class AuditLog(UUIDModel):
    """One change to one row: the seed's `audit_logs` table."""

    table_name = models.CharField(max_length=50)
    record_id = models.UUIDField()
    action = models.CharField(max_length=10, choices=AuditAction.choices)
    old_values = models.JSONField(null=True, blank=True)
    new_values = models.JSONField(null=True, blank=True)
    # A bare UUID, as in the seed: audit rows outlive the staff accounts they name.
    user_id = models.UUIDField(null=True, blank=True)
    timestamp = models.DateTimeField(db_default=CurrentTimestamp())

    class Meta:
        db_table = "audit_logs"
        ordering = ["-timestamp"]
        indexes = [
            models.Index(fields=["table_name", "record_id", "timestamp"], name="audit_logs_table_record_ts_idx"),
            # Beyond the seed: the admin lists newest first and the retention purge cuts by age.
            models.Index(fields=["timestamp"], name="audit_logs_timestamp_idx"),
            # The admin's user filter: its choices (does this staff member have a row?) and its list, newest
            # first. Rows the system wrote (no user) are left out of it.
            models.Index(fields=["user_id", "timestamp"], name="audit_logs_user_ts_idx",
                         condition=models.Q(user_id__isnull=False)),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(action__in=AuditAction.values), name="audit_logs_action_check"),
        ]
        triggers = [protect_audit_logs_trigger()]
        permissions = [
            ("export_personal_data", "Can export a client's personal data (access request)"),
            ("erase_personal_data", "Can erase a client's personal data (erasure request)"),
        ]

    def __str__(self):
        return f"{self.action} {self.table_name} {self.record_id}"

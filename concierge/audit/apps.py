from django.apps import AppConfig
from django.conf import settings
from django.db.models.signals import post_migrate


class AuditConfig(AppConfig):
    name = "concierge.audit"
    label = "audit"
    verbose_name = "Audit trail"

    def ready(self):
        from . import checks  # noqa: F401  (registers the key checks)
        from .access_log import access_log_filter_install

        # No email or phone typed into an admin search reaches an access log (docs/audit-and-privacy.md).
        access_log_filter_install()

        post_migrate.connect(_partitions_after_migrate, sender=self)


def _partitions_after_migrate(sender, using, **kwargs):
    # A fresh (or test) database, or one migrated long after its last beat run, gets this month's
    # partitions and the next ones at once, not at the next daily run.
    from .services import partitions_create_ahead

    partitions_create_ahead(months_ahead=settings.PARTITIONS_MONTHS_AHEAD, using=using)

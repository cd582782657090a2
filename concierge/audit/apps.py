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

        post_migrate.connect(_after_migrate, sender=self)


def _after_migrate(sender, using, **kwargs):
    """As the owner (migrate runs as it): the owner's functions, the application role's grants, the
    retention period, then this month's partitions and the next ones."""
    from django.db import DEFAULT_DB_ALIAS, connections, transaction

    from concierge.db import owner_functions, roles

    from .services import partitions_create_ahead, retention_days

    with transaction.atomic(using=using), connections[using].cursor() as cursor:
        owner_functions.install(cursor)
        owner_functions.install_registered(cursor)
        # pgtrigger wrote its own version while installing triggers: ours honours no session setting.
        owner_functions.install_ignore_function(cursor)
        roles.record_retention_policy(cursor, retention_days(settings.AUDIT_RETENTION_MONTHS))
        app = roles.app_role(using) if using == DEFAULT_DB_ALIAS else None
        if app is not None and app != roles.owner_settings()["USER"]:
            roles.grant_app_role(cursor, app, functions=owner_functions.registered_app_callable())
    # A fresh (or test) database, or one migrated long after its last beat run, gets this month's
    # partitions and the next ones at once, not at the next daily run.
    partitions_create_ahead(months_ahead=settings.PARTITIONS_MONTHS_AHEAD, using=using)

from django.apps import AppConfig


class ClientsConfig(AppConfig):
    name = "clients"
    verbose_name = "Clients"

    def ready(self):
        # Our own signals only connect: each save becomes a named event for the workflow engine.
        from . import signals

        signals.connect()

        # Erasure on request scrubs the audit trail through an owner function naming our tables:
        # the platform installs and grants it after every migrate (clients/data_rights/owner_sql.py).
        from .data_rights import owner_sql

        owner_sql.register()

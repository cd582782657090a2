from django.apps import AppConfig


class ClientsConfig(AppConfig):
    name = "clients"
    verbose_name = "Clients"

    def ready(self):
        # What workflows may know of clients: the client subject, client_created, its placeholders.
        from . import workflow_events

        workflow_events.register()

        # The services send our signals; here they are connected to the workflow events they become.
        from . import signals

        signals.connect()

        # Erasure on request scrubs the audit trail through an owner function naming our tables:
        # the platform installs and grants it after every migrate (clients/data_rights/owner_sql.py).
        from .data_rights import owner_sql

        owner_sql.register()

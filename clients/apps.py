from django.apps import AppConfig


class ClientsConfig(AppConfig):
    name = "clients"
    verbose_name = "Clients"

    def ready(self):
        # The client portal (clients/portal/) registers its admin and its one signal receiver here.
        from clients.portal import admin as portal_admin  # noqa: F401
        from clients.portal import signals as portal_signals

        portal_signals.connect()

        # Sign-in and status links are made when a message is sent: the portal says how.
        from clients.portal.delivery import register_link_makers

        register_link_makers()

        # What workflows may know of clients: the client subject, client_created, its placeholders.
        from . import workflow_events

        workflow_events.register()

        # Our own signals only connect: each save becomes a named event for the workflow engine.
        from . import signals

        signals.connect()

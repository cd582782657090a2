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

        # The services send our signals; here they are connected to the workflow events they become.
        from . import signals

        signals.connect()

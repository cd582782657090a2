from django.apps import AppConfig


class PortalConfig(AppConfig):
    """The client portal: its own app (label `portal`) inside the clients domain, since it shows a
    client their own cars and jobs. Its tables kept their names when they moved here from `clients`
    (migration portal.0001_initial)."""

    name = "clients.portal"
    label = "portal"
    verbose_name = "Client portal"

    def ready(self) -> None:
        # The admin (clients/portal/admin.py) is found by the admin's autodiscovery, as every app's is.
        # A staff sign-in ends any portal session in the same browser.
        from . import signals

        signals.connect()

        # Sign-in and status links are made when a message is sent: the portal says how.
        from .delivery import register_link_makers

        register_link_makers()

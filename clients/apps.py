from django.apps import AppConfig


class ClientsConfig(AppConfig):
    name = "clients"
    verbose_name = "Clients"

    def ready(self):
        # Our own signals only connect: each save becomes a named event for the workflow engine.
        from . import signals

        signals.connect()

from django.apps import AppConfig


class FleetConfig(AppConfig):
    name = "fleet"
    verbose_name = "Vehicles"

    def ready(self):
        # Signals only connect: each save becomes a named event for the workflow engine.
        from . import signals

        signals.connect()

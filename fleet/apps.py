from django.apps import AppConfig


class FleetConfig(AppConfig):
    name = "fleet"
    verbose_name = "Vehicles"

    def ready(self):
        # What workflows may know of cars: the car subject, its events, condition and placeholders.
        from . import workflow_events

        workflow_events.register()

        # Signals only connect: each save becomes a named event for the workflow engine.
        from . import signals

        signals.connect()

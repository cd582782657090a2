from django.apps import AppConfig


class FleetConfig(AppConfig):
    name = "fleet"
    verbose_name = "Vehicles"

    def ready(self):
        # What workflows may know of cars: the car subject, its events, condition and placeholders.
        from . import workflow_events

        workflow_events.register()

        # The services send our signals; here they are connected to the workflow events they become.
        from . import signals

        signals.connect()

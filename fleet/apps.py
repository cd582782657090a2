from django.apps import AppConfig


class FleetConfig(AppConfig):
    name = "fleet"
    verbose_name = "Vehicles"

    def ready(self):
        # The services send our signals; here they are connected to the workflow events they become.
        from . import signals

        signals.connect()

from django.apps import AppConfig


class ServicingConfig(AppConfig):
    name = "servicing"
    verbose_name = "Service jobs"

    def ready(self):
        # Signals only connect: each save becomes a named event for the workflow engine.
        from . import signals

        signals.connect()

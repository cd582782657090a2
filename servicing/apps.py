from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ServicingConfig(AppConfig):
    name = "servicing"
    verbose_name = "Service jobs"

    def ready(self):
        # Signals only connect: each save becomes a named event for the workflow engine.
        from . import signals

        signals.connect()
        from .services import service_types_fill_after_migrate

        # The catalogue refilled when a flush emptied it (service_types_fill_if_empty says why).
        post_migrate.connect(service_types_fill_after_migrate, sender=self, dispatch_uid="servicing.service_types_fill")

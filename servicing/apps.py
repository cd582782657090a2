from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ServicingConfig(AppConfig):
    name = "servicing"
    verbose_name = "Service jobs"

    def ready(self):
        # What workflows may do with jobs: events, actions, conditions, placeholders, default workflows.
        from . import workflow_actions

        workflow_actions.register()

        # The services send our signals; here they are connected to the workflow events they become.
        from . import signals

        signals.connect()

        from .services import service_types_fill_after_migrate

        # An empty service-type catalogue (a flushed database) gets the standard types back.
        post_migrate.connect(service_types_fill_after_migrate, sender=self, dispatch_uid="servicing.service_types_fill")

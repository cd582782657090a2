from django.apps import AppConfig


class ForecastingConfig(AppConfig):
    name = "forecasting"
    verbose_name = "Predicted services"

    def ready(self):
        # The service_predicted_due event, its placeholders and the default reminder workflow.
        from . import workflow_events

        workflow_events.register()

        # A new reading or a completed job: the car's predictions are worked out again after commit.
        from . import signals

        signals.connect()

from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "webhooks"
    verbose_name = "Webhooks"

    def ready(self) -> None:
        # Webhooks hear the events the workflows hear: the platform's event_recorded signal, sent in
        # the transaction that records each event (concierge/workflows/events.py).
        from . import signals

        signals.connect()
        return None

from django.apps import AppConfig


class HealthConfig(AppConfig):
    name = "concierge.health"
    label = "health"

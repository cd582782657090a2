from django.apps import AppConfig


class WorkflowsConfig(AppConfig):
    name = "concierge.workflows"
    label = "workflows"
    verbose_name = "Workflows"

from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "Notifications"

    def ready(self):
        # What workflows may send: send_notification, notify_staff, the {{ status_link }} placeholder.
        from . import workflow_actions

        workflow_actions.register()

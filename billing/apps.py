from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "billing"
    verbose_name = "Billing"

    def ready(self) -> None:
        # The declined_work_due event, registered with the workflow engine like servicing's job events.
        from . import workflow_events

        workflow_events.register()

        # Completing a job issues its invoice; starting one needs an approved line (servicing's lifecycle
        # checks); erasing a client drops their tax PIN. Connected here, so servicing and clients never
        # import billing.
        from . import signals

        signals.connect()

        # The estimate and invoice section of the portal's job page (clients/portal/panels.py).
        from . import portal

        portal.register()

        # Invoices, estimate lines and the KRA PIN in the client's access-request export.
        from . import data_export

        data_export.register()

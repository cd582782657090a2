from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "payments"
    verbose_name = "Payments"

    def ready(self) -> None:
        # invoice_overdue, its placeholders and the default reminder, registered with the workflow
        # engine like billing's declined_work_due (payments/overdue.py).
        from . import overdue

        overdue.register()

from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "payments"
    verbose_name = "Payments"

    def ready(self) -> None:
        # The payment_received event and its receipt SMS, registered with the workflow engine; the
        # receiver of payment_recorded emits it in the payment's transaction.
        from . import workflow_events

        workflow_events.register()

        # invoice_overdue, its placeholders and the default reminder, registered with the workflow
        # engine like billing's declined_work_due (payments/overdue.py).
        from . import overdue

        overdue.register()

        # The portal's invoice page: paid, balance and how to pay by Paybill.
        from . import portal

        portal.register()

        # A client's erasure scrubs the payer from our audit rows through an owner function naming
        # our tables: the platform installs and grants it after every migrate (payments/owner_sql.py).
        from . import owner_sql

        owner_sql.register()

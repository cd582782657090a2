from django.core.management.base import BaseCommand, CommandError

from clients.models import Client
from concierge.workflows.defaults import install_default_workflows
from demo.billing_demo import build_billing
from demo.builder import build_demo_shop
from demo.receivables_demo import build_receivables
from forecasting.services import predictions_refresh


class Command(BaseCommand):
    help = "Load the demo shop (Nairobi clients, cars and a year and a half of jobs) into an empty database. Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument("--clients", type=int, default=120, help="how many demo clients (default 120)")

    def handle(self, *args, clients, **options):
        if clients < 1:
            raise CommandError("--clients must be at least 1")
        if Client.objects.exists():
            self._install_workflows()
            self.stdout.write("Demo data: the database already has clients; nothing loaded.")
            return
        counts = build_demo_shop(clients=clients)
        # Estimates, declined work and invoices on those jobs (demo/billing_demo.py). Here, not in the
        # builder: other apps' tests build shops with it, and the layers keep them from billing.
        counts.update(build_billing())
        # Payments (through the ledger's services: their events find no workflow yet, so loading history
        # texts no receipt and no reminder) and the cars handed back (demo/receivables_demo.py).
        counts.update(build_receivables())
        # Each car's predicted next services, from the history just loaded (as the nightly task would).
        counts["predicted services"] = predictions_refresh()
        self._install_workflows()
        self.stdout.write(self.style.SUCCESS(
            "Demo data loaded: " + ", ".join(f"{n} {what}" for what, n in counts.items())
        ))

    def _install_workflows(self):
        # The shop's standard workflows (idempotent by name): the demo shop texts its clients.
        installed = install_default_workflows()
        if installed:
            self.stdout.write(f"Default workflows installed: {installed}")

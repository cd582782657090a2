from django.core.management.base import BaseCommand

from concierge.workflows.defaults import default_workflows, install_default_workflows


class Command(BaseCommand):
    help = "Install the shop's standard workflows (SMS on start and completion, reminders, overdue escalation). Safe to run again."

    def handle(self, *args, **options):
        created = install_default_workflows()
        kept = len(default_workflows()) - created
        self.stdout.write(self.style.SUCCESS(
            f"Default workflows: {created} installed, {kept} already there (left as staff set them)."
        ))

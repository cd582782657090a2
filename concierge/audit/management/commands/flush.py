"""`flush` as the owner role: emptying every table (TRUNCATE) is the owner's right only. The test
runner's transactional tests call it between tests."""

from django.core.management.commands.flush import Command as FlushCommand

from concierge.db.roles import as_owner


class Command(FlushCommand):
    def handle(self, **options):
        with as_owner(options["database"]):
            return super().handle(**options)

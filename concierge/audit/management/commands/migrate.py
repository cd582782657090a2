"""`migrate` as the owner role (DATABASE_OWNER_URL): the application role may not change the schema.

The post_migrate step (concierge.audit.apps) then grants the application role what it needs and
(re)installs the owner's functions, so tables added by any app are covered without it knowing.
"""

from django.core.management.commands.migrate import Command as MigrateCommand

from concierge.db.roles import as_owner


class Command(MigrateCommand):
    def handle(self, *args, **options):
        with as_owner(options["database"]):
            return super().handle(*args, **options)

import secrets

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.migrations.executor import MigrationExecutor

from concierge.accounts.models import User


def _database_ready() -> None:
    """One line saying what to do, instead of a traceback, when there is no database to write to: the
    command runs first thing on a new machine (`make run`, a first release), where that is the usual
    mistake."""
    connection = connections[DEFAULT_DB_ALIAS]
    try:
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError as error:
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise CommandError(
            f"cannot reach the database ({first_line}). Start it (`make services`) or check DATABASE_URL."
        ) from None
    if pending:
        raise CommandError(
            f"the database lacks {len(pending)} migration(s), the staff accounts among them perhaps: "
            "run `manage.py migrate` first (`make migrate`)."
        )


class Command(BaseCommand):
    help = (
        "Make sure a staff superuser exists. A new one gets a generated password, printed once; "
        "an existing one keeps its password unless --reset-password is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("--email", default="admin@ndegwa.example")
        parser.add_argument("--reset-password", action="store_true")

    def handle(self, *args, email, reset_password, **options):
        try:
            validate_email(email)
        except ValidationError:
            raise CommandError(f"{email!r} is not a valid email address") from None
        _database_ready()
        user = User.objects.filter(email__iexact=email).first()
        if user and not user.is_superuser:
            # A front-desk or technician account is not made a superuser by a command that says "ensure".
            raise CommandError(
                f"{user.email} is a staff account that is not a superuser; nothing changed. Give another "
                "--email, or change that account's role in the admin (Staff users)."
            )
        if user and not (user.is_staff and user.is_active) and not reset_password:
            raise CommandError(
                f"{user.email} is a superuser whose account is switched off; nothing changed. "
                "--reset-password switches it on again with a new password."
            )
        if user and not reset_password:
            self.stdout.write(f"Staff superuser: {user.email} (password unchanged; --reset-password prints a new one)")
            return
        password = secrets.token_urlsafe(12)
        if user:
            user.set_password(password)
            user.is_staff = user.is_active = True
            user.save(update_fields=["password", "is_staff", "is_active"])
        else:
            User.objects.create_superuser(email=email, password=password, first_name="Shop", last_name="Admin")
        self.stdout.write(self.style.SUCCESS(f"Staff superuser: {email}  password: {password}"))
        self.stdout.write(
            "First sign-in at /admin/ asks this account to set up two-factor sign-in: scan the QR code "
            "with an authenticator app on a phone and enter its 6-digit code (README, Staff sign-in)."
        )

import secrets

from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.core.exceptions import ValidationError

from concierge.accounts.models import User


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
        user = User.objects.filter(email__iexact=email).first()
        if user and not reset_password:
            self.stdout.write(f"Staff superuser: {user.email} (password unchanged; --reset-password prints a new one)")
            return
        password = secrets.token_urlsafe(12)
        if user:
            user.set_password(password)
            user.is_staff = user.is_superuser = user.is_active = True
            user.save()
        else:
            User.objects.create_superuser(email=email, password=password, first_name="Shop", last_name="Admin")
        self.stdout.write(self.style.SUCCESS(f"Staff superuser: {email}  password: {password}"))
        self.stdout.write(
            "First sign-in at /admin/ asks this account to set up two-factor sign-in: scan the QR code "
            "with an authenticator app on a phone and enter its 6-digit code (README, Staff sign-in)."
        )

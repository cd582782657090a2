"""Tell Daraja where the Paybill's confirmations and validations go (docs/payments.md, "Paybill"):
once per shortcode, and again whenever MPESA_CALLBACK_BASE_URL or MPESA_CALLBACK_SECRET changes."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from payments.daraja import DarajaError
from payments.services.mpesa import daraja_client, mpesa_configured


class Command(BaseCommand):
    help = "Register the Paybill confirmation and validation URLs with Safaricom Daraja (C2B register URL)."

    def handle(self, *args: Any, **options: Any) -> None:
        from django.conf import settings

        if not mpesa_configured():
            raise CommandError("M-Pesa is not configured: set the MPESA_* settings (docs/settings.md) first.")
        base = settings.MPESA_CALLBACK_BASE_URL.rstrip("/")
        secret = settings.MPESA_CALLBACK_SECRET
        urls = {name: base + reverse(f"payments:c2b_{name}", kwargs={"secret": secret})
                for name in ("confirmation", "validation")}
        try:
            answer = daraja_client().c2b_register_urls(confirmation_url=urls["confirmation"],
                                                 validation_url=urls["validation"])
        except DarajaError as exc:
            raise CommandError(str(exc)) from None
        # The URLs carry the secret: printed with it masked.
        self.stdout.write(f"Registered for shortcode {settings.MPESA_SHORTCODE}: "
                          f"{urls['confirmation'].replace(secret, '<secret>')} ({answer})")

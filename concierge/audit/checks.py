"""Startup checks: the personal-data keys are present and well-formed before any request needs them."""

from django.core.checks import Error, register
from django.core.exceptions import ImproperlyConfigured

from concierge.crypto import keys


@register()
def field_keys_check(app_configs, **kwargs):
    errors = []
    for probe, hint in [(keys.multifernet, "FIELD_ENCRYPTION_KEYS"), (lambda: keys.keyed_hash("x"), "FIELD_HASH_KEY")]:
        try:
            probe()
        except ImproperlyConfigured as exc:
            errors.append(Error(str(exc), hint=f"set {hint} in the environment (see .env.example)", id="audit.E001"))
    return errors

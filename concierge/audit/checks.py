"""Startup checks: the personal-data keys are present and well-formed before any request needs them."""

from django.core.checks import Error, Warning, register
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


@register(deploy=True)
def database_roles_check(app_configs, **kwargs):
    """The web and workers should connect as a role that owns nothing (docs/audit-and-privacy.md)."""
    from django.conf import settings

    owner = settings.DATABASE_OWNER
    if owner is None or owner["USER"] == settings.DATABASES["default"]["USER"]:
        return [Warning(
            "DATABASE_URL's role also owns the schema: it can TRUNCATE, alter or drop the audit trail",
            hint="create an owner role and an application role (docs/audit-and-privacy.md, 'Database roles'), "
                 "set DATABASE_OWNER_URL to the owner and DATABASE_URL to the application role",
            id="audit.W002",
        )]
    return []

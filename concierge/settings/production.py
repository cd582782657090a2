"""Production settings: everything secret or host-specific must come from the environment.

wsgi.py, asgi.py and the Celery app default to this module, so a server started without
DJANGO_SETTINGS_MODULE either runs with real secrets or does not start at all.
"""

from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

from concierge.observability.logconfig import logging_config
from concierge.observability.sentry import sentry_init

from . import _dev_keys
from .base import *  # noqa: F401,F403
from .base import LOG_LEVEL, MIDDLEWARE, env


def _required(name, value, *, dev_value=None):
    # An empty value (e.g. `SECRET_KEY=` left in .env) counts as missing, and the repository's own
    # development keys count as no key: both are public.
    if not value or value == dev_value or (isinstance(value, list) and dev_value in value):
        raise ImproperlyConfigured(
            f"{name} must be set in production (see .env.example and docs/deploying.md)"
            + (": the repository's development value is public" if value else "")
        )
    return value


# --- Secrets and hosts (no defaults) ---------------------------------------------------------
DEBUG = False
SECRET_KEY = _required("SECRET_KEY", env("SECRET_KEY", default=""), dev_value=_dev_keys.SECRET_KEY)
ALLOWED_HOSTS = _required("ALLOWED_HOSTS", env.list("ALLOWED_HOSTS", default=[]))
# Without its own keys a deployment would either fail on the first client or, worse, run on the
# development keys from the repository.
FIELD_ENCRYPTION_KEYS = _required(
    "FIELD_ENCRYPTION_KEYS", env.list("FIELD_ENCRYPTION_KEYS", default=[]), dev_value=_dev_keys.FIELD_ENCRYPTION_KEY
)
FIELD_HASH_KEY = _required("FIELD_HASH_KEY", env("FIELD_HASH_KEY", default=""), dev_value=_dev_keys.FIELD_HASH_KEY)
if len(FIELD_HASH_KEY) < 32:
    raise ImproperlyConfigured("FIELD_HASH_KEY must be 32+ random characters in production")

# --- Static files: served by the app (whitenoise), compressed, with content-hashed names --------
# Hashed names let browsers cache them for a year; `collectstatic` writes them (and .gz/.br) to STATIC_ROOT.
MIDDLEWARE = list(MIDDLEWARE)
MIDDLEWARE.insert(MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1, "whitenoise.middleware.WhiteNoiseMiddleware")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# --- HTTPS ------------------------------------------------------------------------------------
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
SECURE_CONTENT_TYPE_NOSNIFF = True
# Asking browsers to preload HSTS for the domain is a commitment that is slow to undo, so it is a
# deployment's choice (SECURE_HSTS_PRELOAD); until it is made, --deploy's reminder (W021) is silenced.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
# `make serve` only (concierge/serve.py): plain HTTP on this machine's loopback, for a try-out. Accepted
# with loopback host names only, so it cannot switch a real deployment's HTTPS redirect off; `check
# --deploy`'s reminder about the redirect (W008) is then silenced, since no request comes from outside.
SERVE_LOOPBACK_HTTP = env.bool("SERVE_LOOPBACK_HTTP", default=False)
if SERVE_LOOPBACK_HTTP:
    if set(ALLOWED_HOSTS) - {"127.0.0.1", "localhost", "[::1]"}:
        raise ImproperlyConfigured("SERVE_LOOPBACK_HTTP=true is for `make serve` only: ALLOWED_HOSTS must be loopback names")
    SECURE_SSL_REDIRECT = False
    SILENCED_SYSTEM_CHECKS = [*SILENCED_SYSTEM_CHECKS, "security.W008"]
# The client portal's cookies: secure above; the language cookie too, and none readable by scripts.
LANGUAGE_COOKIE_SECURE = True
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
# Links in texts and emails must point at the deployment, not at a development default: no start
# without it (gunicorn runs no system checks, so this is a settings error, not a check).
PORTAL_BASE_URL = env("PORTAL_BASE_URL", default="")
# Webhook deliveries carry the shop's data: over TLS only, whatever the environment says.
WEBHOOKS_REQUIRE_HTTPS = True
if urlsplit(PORTAL_BASE_URL).scheme not in ("http", "https") or not urlsplit(PORTAL_BASE_URL).netloc:
    raise ImproperlyConfigured(
        "PORTAL_BASE_URL must be set in production to the portal's public origin, e.g. https://portal.example.co.ke"
    )

# --- Logs and error reports (docs/deploying.md) -------------------------------------------------
LOGGING = logging_config(json=env.bool("LOG_JSON", default=True), level=LOG_LEVEL)
SENTRY_DSN = env("SENTRY_DSN", default="")
if SENTRY_DSN:
    sentry_init(
        dsn=SENTRY_DSN, environment=env("SENTRY_ENVIRONMENT", default="production"),
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
    )

"""Production settings: everything secret or host-specific must come from the environment."""

from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F401,F403
from .base import env

DEBUG = False
SECRET_KEY = env("SECRET_KEY")  # no default: a deployment without a key must not start
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
# No defaults: without its own keys a deployment would either fail on the first client or, worse,
# run on the development keys from the repository.
FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS")
FIELD_HASH_KEY = env("FIELD_HASH_KEY")
if not FIELD_ENCRYPTION_KEYS or len(FIELD_HASH_KEY) < 32:
    raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS and FIELD_HASH_KEY (32+ characters) must be set in production")
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
# The client portal's cookies: secure above; the language cookie too, and none readable by scripts.
LANGUAGE_COOKIE_SECURE = True
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
# Links in texts and emails must point at the deployment, not at a development default: no start
# without it (gunicorn runs no system checks, so this is a settings error, not a check).
PORTAL_BASE_URL = env("PORTAL_BASE_URL", default="")
if urlsplit(PORTAL_BASE_URL).scheme not in ("http", "https") or not urlsplit(PORTAL_BASE_URL).netloc:
    raise ImproperlyConfigured(
        "PORTAL_BASE_URL must be set in production to the portal's public origin, e.g. https://portal.example.co.ke"
    )

"""Development settings: what `make run` and `manage.py` use unless DJANGO_SETTINGS_MODULE says otherwise."""

from . import _dev_keys
from .base import *  # noqa: F401,F403
from .base import env

DEBUG = env.bool("DEBUG", default=True)
# A development-only key; production.py refuses to start without a real SECRET_KEY.
SECRET_KEY = env("SECRET_KEY", default=_dev_keys.SECRET_KEY)
# Our console backend: Django's, but printed whole from the Celery worker too (notifications/backends/email.py).
EMAIL_BACKEND = env("EMAIL_BACKEND", default="notifications.backends.email.ConsoleEmailBackend")

# Development-only keys for personal-data encryption and lookup hashes; production.py requires real ones.
FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS", default=[_dev_keys.FIELD_ENCRYPTION_KEY])
FIELD_HASH_KEY = env("FIELD_HASH_KEY", default=_dev_keys.FIELD_HASH_KEY)

# Webhooks to a receiver on this machine or the LAN over plain http, for trying them out (docs/webhooks.md).
WEBHOOKS_REQUIRE_HTTPS = env.bool("WEBHOOKS_REQUIRE_HTTPS", default=False)
WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = env.bool("WEBHOOKS_ALLOW_PRIVATE_ADDRESSES", default=True)

"""Development settings: what `make run` and `manage.py` use unless DJANGO_SETTINGS_MODULE says otherwise."""

from .base import *  # noqa: F401,F403
from .base import env

DEBUG = env.bool("DEBUG", default=True)
# A development-only key; production.py refuses to start without a real SECRET_KEY.
SECRET_KEY = env("SECRET_KEY", default="dev-only-insecure-key-do-not-use-in-production")
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")

# Development-only keys for personal-data encryption and lookup hashes; production.py requires real ones.
FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS", default=["qSh3AwbzwyY4tC3ieQQsO499JS2eEuSUCCJEyYRe_zY="])
FIELD_HASH_KEY = env("FIELD_HASH_KEY", default="dev-only-hash-key-nHWfp1RJaC3Unq3rKfRIyXsZwt3Ib2zweQskCqlqVP0")

"""Settings for pytest: the same real PostgreSQL and Redis as development, faster password hashing."""

from .base import *  # noqa: F401,F403
from .base import CACHE_URL, env

SECRET_KEY = "test-only-key"
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# In memory; a test that starts a worker may hand it another backend by TEST_EMAIL_BACKEND.
EMAIL_BACKEND = env("TEST_EMAIL_BACKEND", default="django.core.mail.backends.locmem.EmailBackend")
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": CACHE_URL,
        "KEY_PREFIX": "concierge-test",
    }
}
# Test-only keys for personal-data encryption and lookup hashes.
FIELD_ENCRYPTION_KEYS = ["qSh3AwbzwyY4tC3ieQQsO499JS2eEuSUCCJEyYRe_zY="]
FIELD_HASH_KEY = "test-only-hash-key-nHWfp1RJaC3Unq3rKfRIyXsZwt3Ib2zweQskCqlqVP0"
# In memory; a test that starts a worker hands it another backend by TEST_SMS_BACKEND (never .env's SMS_BACKEND).
SMS_BACKEND = env("TEST_SMS_BACKEND", default="notifications.backends.sms.LocmemSMSBackend")
# No quiet hours unless a test sets them (notifications/tests/test_quiet_hours.py, with a fixed clock):
# otherwise a reminder written by a test run at night would be held and the test's outcome would
# depend on the hour it ran.
QUIET_HOURS_START = QUIET_HOURS_END = "00:00"
# The webhook tests' receivers listen on 127.0.0.1 over http; the refusals are tested with these off.
WEBHOOKS_REQUIRE_HTTPS = env.bool("WEBHOOKS_REQUIRE_HTTPS", default=False)
WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = env.bool("WEBHOOKS_ALLOW_PRIVATE_ADDRESSES", default=True)

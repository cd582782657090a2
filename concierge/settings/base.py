"""Settings shared by every environment. Every value a deployment may change comes from the
environment (or `.env`); `.env.example` lists them all. `var/local.env` is written by
`make services` and only fills in DATABASE_URL / REDIS_URL for the embedded servers."""

import ipaddress
import os
import re
from datetime import timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path
from urllib.parse import unquote, urlsplit

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from concierge.observability.logconfig import logging_config

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
# Real environment first, then .env, then the embedded services' file: read_env never overrides.
environ.Env.read_env(BASE_DIR / ".env")
environ.Env.read_env(BASE_DIR / "var" / "local.env")

SECRET_KEY = env("SECRET_KEY", default="")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # The admin with the staff sign-in of concierge/accounts (two-factor for managers, lockout).
    "concierge.accounts.apps.StaffAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django_filters",
    "csp",
    "pgtrigger",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "concierge.accounts",
    "concierge.audit",
    "concierge.workflows",
    "demo",
    "concierge.health",
    "clients",
    "clients.portal",
    "fleet",
    "servicing",
    "notifications",
    "reports",
    "billing",
    "payments",
    "etims",
    "forecasting",
    # The JSON API (api/, docs/api.md); "ninja" serves its Swagger UI files as static files, no CDN.
    "ninja",
    "api",
    "webhooks",
]

MIDDLEWARE = [
    # First: every log line of the request carries its id; then /health/, answered before the HTTPS
    # redirect and the host check (a balancer probes each instance by address over plain HTTP).
    "concierge.observability.requestid.RequestIdMiddleware",
    "concierge.health.middleware.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # A NUL in the address or a form field: 400 before it can reach a query (concierge/nul_bytes.py).
    "concierge.nul_bytes.NulBytesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): signed in with a second factor in this session (django-otp).
    "django_otp.middleware.OTPMiddleware",
    # After authentication: wraps the request in the transaction that tells audit triggers who acts.
    "concierge.audit.middleware.ActingUserMiddleware",
    # /api/ only: each request in one transaction carrying its key's acting user, and a line in the
    # API request log (api/middleware.py).
    "api.middleware.ApiRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: turns a locked-out sign-in into its 429 page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "concierge.urls"
WSGI_APPLICATION = "concierge.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
            # The shared admin pieces' tags (concierge/admin/, not an app of its own).
            "libraries": {"concierge_admin": "concierge.admin.templatetags"},
        },
    },
]


def _database_config(var_name):
    """Parse a postgres URL, with one clear message when it is missing or malformed."""
    url = env(var_name, default="")
    if not url:
        raise ImproperlyConfigured(
            f"{var_name} is not set: run `make services` for the embedded PostgreSQL, "
            f"or set {var_name}=postgres://user:password@host:5432/dbname"
        )
    scheme = urlsplit(url).scheme
    if scheme not in ("postgres", "postgresql", "pgsql", "postgis"):
        raise ImproperlyConfigured(
            f"{var_name} must be a postgres:// URL (got scheme {scheme!r}); "
            "for example postgres://user:password@host:5432/dbname"
        )
    try:
        config = env.db_url_config(url)
    except Exception as exc:  # django-environ raises several types for bad URLs
        raise ImproperlyConfigured(f"{var_name} is malformed ({exc}); expected postgres://user:password@host:5432/dbname") from None
    # libpq's URL form for a unix socket percent-encodes the directory in the host part.
    config["HOST"] = unquote(config.get("HOST") or "")
    if not config.get("NAME"):
        raise ImproperlyConfigured(f"{var_name} names no database; expected postgres://user:password@host:5432/dbname")
    # Our backend keeps the seed's TIMESTAMP (without time zone) columns, holding UTC.
    config["ENGINE"] = "concierge.db.backend"
    config["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    config["CONN_HEALTH_CHECKS"] = True
    # Behind PgBouncer in transaction mode a named cursor (QuerySet.iterator()) cannot outlive its
    # transaction's server connection (docs/deploying.md, connection pooling).
    config["DISABLE_SERVER_SIDE_CURSORS"] = env.bool("DATABASE_DISABLE_SERVER_SIDE_CURSORS", default=False)
    return config


DATABASES = {"default": _database_config("DATABASE_URL")}
# The role that owns the schema: `manage.py migrate` (and flush) connect with it, the web and workers
# with DATABASE_URL's role, which owns nothing (concierge/db/roles.py). Same server and database.
# Unset: everything runs as DATABASE_URL's role (a deploy check warns).
DATABASE_OWNER = _database_config("DATABASE_OWNER_URL") if env("DATABASE_OWNER_URL", default="") else None

# --- Reports ---
# A read replica for the manager report pages (docs/reports.md). Unset: reports read from `default`.
if env("REPORTS_DATABASE_URL", default=""):
    # MIRROR: under the test runner the alias opens its own connection to the test database instead
    # of a test copy of the replica, which would never receive default's rows.
    DATABASES["reports"] = {**_database_config("REPORTS_DATABASE_URL"), "TEST": {"MIRROR": "default"}}
DATABASE_ROUTERS = ["reports.routers.ReportsRouter"]
# Rows per page of the "not seen for 6 months" call list; the CSV download holds every row.
REPORTS_PAGE_SIZE = env.int("REPORTS_PAGE_SIZE", default=50)

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "admin:login"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("sw", "Kiswahili")]
TIME_ZONE = "Africa/Nairobi"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]
# Day-first dates (05/11/2026 is 5 November) in every language we serve: concierge/formats/.
FORMAT_MODULE_PATH = ["concierge.formats"]

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "var" / "static")
STATICFILES_DIRS = [BASE_DIR / "static"] if (BASE_DIR / "static").is_dir() else []

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Audit trail and data protection (docs/audit-and-privacy.md). Fernet keys, newest first, and the
# HMAC key of the contact lookup hashes: both separate from SECRET_KEY. local.py and test.py have
# development defaults; production.py refuses to start without them.
FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS", default=[])
FIELD_HASH_KEY = env("FIELD_HASH_KEY", default="")
# The erasure ledger (docs/backups.md): client ids and times of erasures, outside the database, so that
# `manage.py reapply_erasures` can erase them again after a backup is restored. Back it up apart from
# the database dumps; never inside them.
ERASURE_LEDGER_DIR = env.path("ERASURE_LEDGER_DIR", default=BASE_DIR / "var" / "erasure-ledger")
# Notifications and audit rows older than this are purged by the nightly beat task: whole expired months
# dropped as partitions, the month the cutoff falls in deleted this many rows per transaction.
AUDIT_RETENTION_MONTHS = env.int("AUDIT_RETENTION_MONTHS", default=24)
AUDIT_RETENTION_BATCH_SIZE = env.int("AUDIT_RETENTION_BATCH_SIZE", default=1000)
# notifications and audit_logs are partitioned by month: the daily beat task keeps this many months
# ready ahead of the current one (a row with no month yet lands in the default partition meanwhile).
PARTITIONS_MONTHS_AHEAD = env.int("PARTITIONS_MONTHS_AHEAD", default=3)

CURRENCY = "KES"
# Requests per API key per window (docs/api.md, "Rate limits"): N/s, N/min, N/hour or N/day, counted in Redis.
API_RATE_LIMIT = env("API_RATE_LIMIT", default="120/min")
# Days the API's request log and its Idempotency-Key records are kept (purged nightly, docs/api.md).
API_REQUEST_LOG_DAYS = env.int("API_REQUEST_LOG_DAYS", default=90)
API_IDEMPOTENCY_DAYS = env.int("API_IDEMPOTENCY_DAYS", default=7)
if API_REQUEST_LOG_DAYS < 1 or API_IDEMPOTENCY_DAYS < 1:
    raise ImproperlyConfigured("API_REQUEST_LOG_DAYS and API_IDEMPOTENCY_DAYS must be whole numbers of days, 1 or more")
SHOP_NAME = env("SHOP_NAME", default="Ndegwa Auto Concierge")
# The shop's KRA PIN, printed on every invoice and credit note (docs/billing.md). Empty: invoices are
# issued without it, and say so; KRA expects it on a tax invoice.
SHOP_KRA_PIN = env("SHOP_KRA_PIN", default="")


# --- Client addresses, staff sign-in lockout and two-factor (docs/audit-and-privacy.md) ---------
# The reverse proxies in front of the app (IPs or CIDRs). Only a request from one of them has its
# CLIENT_IP_HEADER read (right to left, skipping these); empty: REMOTE_ADDR is the client.
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])
CLIENT_IP_HEADER = env("CLIENT_IP_HEADER", default="X-Forwarded-For")
try:
    [ipaddress.ip_network(proxy.strip(), strict=False) for proxy in TRUSTED_PROXIES]
except ValueError as exc:
    raise ImproperlyConfigured(f"TRUSTED_PROXIES: {exc}; expected IP addresses or CIDRs, comma-separated") from None
# django-axes: after AXES_FAILURE_LIMIT wrong sign-ins for one account, or from one client address,
# within AXES_COOLOFF_MINUTES, further attempts are refused (429) until that much time has passed.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # either one locks: per account and per address
AXES_CLIENT_IP_CALLABLE = "concierge.client_ip.client_ip"
AXES_USERNAME_CALLABLE = "concierge.accounts.lockout.attempt_username"
AXES_RESET_ON_SUCCESS = True
AXES_DISABLE_ACCESS_LOG = True  # no row per successful sign-in: only failures are needed
# Masked in axes' log lines and stored request data (the password always is).
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "otp_token"]
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"
# django-otp: the name authenticator apps show beside the account; keys hidden from admin pages.
OTP_TOTP_ISSUER = env("SHOP_NAME", default="Ndegwa Auto Concierge")
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# --- Content Security Policy (django-csp) and the client portal -------------------------------
# Same-origin scripts, styles and images only: no inline <script>/<style> and no style="" anywhere,
# so an injected tag cannot run. Forms post only to ourselves; nothing may frame our pages.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
# How long a portal sign-in lasts (the client's session, not staff's).
PORTAL_SESSION_DAYS = env.int("PORTAL_SESSION_DAYS", default=14)
# Sign-in link requests allowed per window, per typed address and per client IP.
PORTAL_SIGN_IN_LIMIT_PER_ADDRESS = env.int("PORTAL_SIGN_IN_LIMIT_PER_ADDRESS", default=5)
PORTAL_SIGN_IN_LIMIT_PER_IP = env.int("PORTAL_SIGN_IN_LIMIT_PER_IP", default=20)
PORTAL_SIGN_IN_LIMIT_WINDOW_MINUTES = env.int("PORTAL_SIGN_IN_LIMIT_WINDOW_MINUTES", default=15)
# Absolute origin put in front of every link sent to a client (sign-in and status links; workers
# make them, with no request to take it from). Required in production (production.py). In
# development it follows the port served: `make run PORT=8101` passes DEV_SERVER_URL.
PORTAL_BASE_URL = env("PORTAL_BASE_URL", default=env("DEV_SERVER_URL", default="http://127.0.0.1:8000"))
# Rows per portal page (a car's jobs, the vehicles, the inbox): a fleet's or a busy car's history
# comes a page at a time, newest first, so a page's work does not grow with the history.
PORTAL_PAGE_SIZE = env.int("PORTAL_PAGE_SIZE", default=20)


def _redis_url():
    url = env("REDIS_URL", default="")
    if not url:
        raise ImproperlyConfigured(
            "REDIS_URL is not set: run `make services` for the embedded Redis, "
            "or set REDIS_URL=redis://host:6379/0"
        )
    scheme = urlsplit(url).scheme
    if scheme not in ("redis", "rediss", "unix"):
        raise ImproperlyConfigured(
            f"REDIS_URL must be a redis://, rediss:// or unix:// URL (got scheme {scheme!r}); "
            "for example redis://localhost:6379/0"
        )
    return url


REDIS_URL = _redis_url()


def _redis_db(url, db):
    """`url` pointing at Redis database number `db` (redis://host:6379/N or unix://path?db=N)."""
    parts = urlsplit(url)
    if parts.scheme == "unix":
        query = [pair for pair in parts.query.split("&") if pair and not pair.startswith("db=")]
        return f"unix://{parts.path}?" + "&".join([*query, f"db={db}"])
    return parts._replace(path=f"/{db}").geturl()


def _redis_db_number(url):
    parts = urlsplit(url)
    if parts.scheme == "unix":
        found = [pair[3:] for pair in parts.query.split("&") if pair.startswith("db=")]
        return int(found[0]) if found else 0
    return int(parts.path.strip("/") or 0)


# The broker and the cache in separate Redis databases (or servers): a cache may be given an eviction
# policy (maxmemory-policy allkeys-lru) that would silently drop queued tasks if they shared one; the
# broker's Redis wants `noeviction` (docs/deploying.md). Defaults: REDIS_URL's database for the broker,
# the next one for the cache.
_broker_redis_url = env("CELERY_BROKER_URL", default=REDIS_URL)
CACHE_URL = env("CACHE_URL", default=_redis_db(REDIS_URL, _redis_db_number(REDIS_URL) + 1))


def _celery_url(url):
    # Celery (kombu) spells a unix-socket Redis as redis+socket:// and reads its database number from
    # `virtual_host`, ignoring `db`; redis-py spells it unix://...?db=N.
    if not url.startswith("unix://"):
        return url
    parts = urlsplit(url)
    query = "&".join(
        "virtual_host=" + pair[3:] if pair.startswith("db=") else pair for pair in parts.query.split("&") if pair
    )
    return f"redis+socket://{parts.path}" + (f"?{query}" if query else "")


CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": CACHE_URL,
        "KEY_PREFIX": env("CACHE_KEY_PREFIX", default="concierge"),
    }
}

CELERY_BROKER_URL = _celery_url(_broker_redis_url)
if "CELERY_BROKER_URL" in os.environ:
    # Celery reads this variable itself, over the setting: give it the spelling kombu understands.
    os.environ["CELERY_BROKER_URL"] = CELERY_BROKER_URL
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_ENABLE_UTC = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# Delivery guarantees: a task is acknowledged only once it has run, and requeued if its worker dies.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Must exceed the longest retry countdown, or Redis would redeliver a task that is only waiting.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600),
    # A publish (on commit, in a web request) gives up within a second when Redis is down, instead of
    # kombu's default retries of several seconds each: the row stays pending and the sweeper queues it.
    # The worker's own reconnecting is governed by broker_connection_max_retries, not by these.
    "max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5,
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
# Bounded retries for every task; deliver_notification counts its own on the row.
CELERY_TASK_ANNOTATIONS = {"*": {"max_retries": 5}}
# A worker that loses Redis drops (and later gets back) the tasks it had not acknowledged.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
# Workers keep LOGGING below (request ids, redaction, JSON in production) instead of Celery's own set-up.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# --- Events, workflows and notifications (docs/notifications.md) ---
# How a text message leaves: console (development), locmem (tests) or Africa's Talking.
SMS_BACKEND = env("SMS_BACKEND", default="notifications.backends.sms.ConsoleSMSBackend")
AFRICASTALKING_USERNAME = env("AFRICASTALKING_USERNAME", default="")
AFRICASTALKING_API_KEY = env("AFRICASTALKING_API_KEY", default="")
# Sent as `from` on every text: an alphanumeric sender ID (up to 11 letters, digits, spaces) or a
# short code, registered to the account at Africa's Talking; empty: the account's default sender.
AFRICASTALKING_SENDER_ID = env("AFRICASTALKING_SENDER_ID", default="")
if AFRICASTALKING_SENDER_ID and not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9 .&-]{0,10}", AFRICASTALKING_SENDER_ID):
    raise ImproperlyConfigured(
        "AFRICASTALKING_SENDER_ID must be up to 11 letters, digits and spaces (an alphanumeric sender ID) "
        "or a short code, as registered at Africa's Talking"
    )
# What one SMS part costs the shop, in KES (a Decimal): the workflow editor's preview prices each text
# with it (docs/notifications.md, "Languages and message length"). The price list of the account's plan.
def _sms_price_per_part(raw: str) -> Decimal:
    try:
        price = Decimal(raw.strip())
    except InvalidOperation:
        raise ImproperlyConfigured(f"SMS_PRICE_PER_PART must be an amount in KES such as 0.80, not {raw!r}") from None
    if not price.is_finite() or price < 0:
        raise ImproperlyConfigured(f"SMS_PRICE_PER_PART must be an amount of 0 or more, not {raw!r}")
    return price


SMS_PRICE_PER_PART = _sms_price_per_part(env("SMS_PRICE_PER_PART", default="0.80"))
# https://api.sandbox.africastalking.com for the sandbox (username "sandbox").
AFRICASTALKING_BASE_URL = env("AFRICASTALKING_BASE_URL", default="https://api.africastalking.com")
AFRICASTALKING_TIMEOUT = env.float("AFRICASTALKING_TIMEOUT", default=10.0)
# The secret path segment of the delivery-report callback URL given to Africa's Talking
# (/callbacks/africastalking/delivery-reports/<secret>/); empty: the endpoint answers 404 to all.
# At least 32 URL-safe characters with a digit or capital, the shape the log redaction hides.
AFRICASTALKING_CALLBACK_SECRET = env("AFRICASTALKING_CALLBACK_SECRET", default="")
if AFRICASTALKING_CALLBACK_SECRET and not re.fullmatch(r"(?=.*[A-Z0-9])[A-Za-z0-9_-]{32,}", AFRICASTALKING_CALLBACK_SECRET):
    raise ImproperlyConfigured(
        "AFRICASTALKING_CALLBACK_SECRET must be at least 32 URL-safe characters with a digit or a capital: "
        "python -c 'import secrets; print(secrets.token_urlsafe(32))'"
    )
# Opt-out and quiet hours (docs/notifications.md, "Opt-out, consent and quiet hours"). Reminder and
# marketing SMS wait out the hours from START to END (HH:MM, TIME_ZONE: Africa/Nairobi); equal: none.
QUIET_HOURS_START = env("QUIET_HOURS_START", default="21:00")
QUIET_HOURS_END = env("QUIET_HOURS_END", default="07:00")
for _name, _value in (("QUIET_HOURS_START", QUIET_HOURS_START), ("QUIET_HOURS_END", QUIET_HOURS_END)):
    if not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", _value):
        raise ImproperlyConfigured(f"{_name} must be a time of day as HH:MM (24-hour), e.g. 21:00")
# The shop's policy: False (the default) lets service texts (job started, ready for collection,
# receipt) reach a number that replied STOP; True makes STOP stop every text to it.
OPT_OUT_COVERS_SERVICE_MESSAGES = env.bool("OPT_OUT_COVERS_SERVICE_MESSAGES", default=False)
# Seconds an SMTP conversation may take before the delivery counts as a transient failure (Django's
# default is to wait forever, which would hold a worker and outlive the notification's claim).
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
NOTIFICATION_MAX_ATTEMPTS = env.int("NOTIFICATION_MAX_ATTEMPTS", default=5)
NOTIFICATION_RETRY_BASE_SECONDS = env.float("NOTIFICATION_RETRY_BASE_SECONDS", default=30.0)
NOTIFICATION_RETRY_CAP_SECONDS = env.float("NOTIFICATION_RETRY_CAP_SECONDS", default=600.0)
# Pending rows (and unprocessed events) older than this are queued again by the sweeper.
NOTIFICATION_SWEEP_AGE_SECONDS = env.int("NOTIFICATION_SWEEP_AGE_SECONDS", default=60)
NOTIFICATION_SWEEP_INTERVAL = env.float("NOTIFICATION_SWEEP_INTERVAL", default=60.0)
# A claim older than this belongs to a dead worker: failed with that reason, never resent.
NOTIFICATION_CLAIM_TIMEOUT_SECONDS = env.int("NOTIFICATION_CLAIM_TIMEOUT_SECONDS", default=300)
if NOTIFICATION_RETRY_CAP_SECONDS >= CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]:
    raise ImproperlyConfigured(
        "CELERY_VISIBILITY_TIMEOUT must exceed NOTIFICATION_RETRY_CAP_SECONDS, or Redis would hand a "
        "retry that is only waiting to a second worker"
    )
# An invoice still owed this many days after its issue date fires invoice_overdue, and again at twice
# and three times as many (payments/overdue.py; docs/payments.md, "Receivables and collection").
INVOICE_OVERDUE_DAYS = env.int("INVOICE_OVERDUE_DAYS", default=14)
if INVOICE_OVERDUE_DAYS < 1:
    raise ImproperlyConfigured(f"INVOICE_OVERDUE_DAYS must be a whole number of days, 1 or more, not {INVOICE_OVERDUE_DAYS}")

CELERY_BEAT_SCHEDULE = {
    # Retention (docs/audit-and-privacy.md): nightly, when the shop is closed.
    "purge-expired-records": {
        "task": "concierge.audit.tasks.purge_expired_records",
        "schedule": crontab(hour=3, minute=15),
    },
    # Monthly partitions of notifications and audit_logs (docs/audit-and-privacy.md), before the purge.
    "create-upcoming-partitions": {
        "task": "concierge.audit.tasks.create_upcoming_partitions",
        "schedule": crontab(hour=3, minute=5),
    },
    "sweep-notifications": {"task": "notifications.tasks.sweep_notifications", "schedule": NOTIFICATION_SWEEP_INTERVAL},
    "sweep-events": {"task": "concierge.workflows.tasks.sweep_events", "schedule": NOTIFICATION_SWEEP_INTERVAL},
    # Housekeeping, nightly: sessions past their expiry (Django's clearsessions) and portal links that
    # can never open anything again.
    "clear-expired-sessions": {
        "task": "concierge.accounts.tasks.clear_expired_sessions",
        "schedule": crontab(hour=3, minute=25),
    },
    "purge-api-records": {"task": "api.tasks.purge_api_records", "schedule": crontab(hour=3, minute=45)},
    "purge-webhook-deliveries": {"task": "webhooks.tasks.purge_webhook_deliveries", "schedule": crontab(hour=3, minute=50)},
    "purge-expired-portal-tokens": {
        "task": "clients.tasks.purge_expired_portal_tokens",
        "schedule": crontab(hour=3, minute=35),
    },
    "fire-time-based-events": {
        "task": "servicing.tasks.fire_time_based_events",
        "schedule": env.float("WORKFLOWS_TIME_EVENTS_INTERVAL", default=600.0),
    },
    # declined_work_due (docs/billing.md): once per job and follow-up date, however often it runs.
    "fire-declined-work-due": {
        "task": "billing.tasks.fire_declined_work_due",
        "schedule": env.float("WORKFLOWS_TIME_EVENTS_INTERVAL", default=600.0),
    },
    # invoice_overdue (docs/payments.md): once per invoice and overdue step, however often it runs.
    "fire-invoice-overdue": {
        "task": "payments.tasks.fire_invoice_overdue",
        "schedule": env.float("WORKFLOWS_TIME_EVENTS_INTERVAL", default=600.0),
    },
    # Every car's predicted services worked out again, then service_predicted_due fired (docs/predictions.md).
    "refresh-predictions": {
        "task": "forecasting.tasks.refresh_predictions",
        "schedule": crontab(hour=2, minute=30),
    },
}

# --- KRA eTIMS, online sales control unit (docs/etims.md) ---
# Empty base URL, PIN or device serial: eTIMS is off; invoices say "Not transmitted to KRA eTIMS".
# Sandbox: https://etims-api-sbx.kra.go.ke/etims-api
ETIMS_BASE_URL = env("ETIMS_BASE_URL", default="")
ETIMS_PIN = env("ETIMS_PIN", default="")  # the shop's KRA PIN (tin)
ETIMS_BRANCH_ID = env("ETIMS_BRANCH_ID", default="00")  # bhfId: 00 is the head office
ETIMS_DEVICE_SERIAL = env("ETIMS_DEVICE_SERIAL", default="")  # dvcSrlNo, as registered with KRA
# The communication key; empty: asked of selectInitOsdcInfo by each worker and kept in memory only.
ETIMS_CMC_KEY = env("ETIMS_CMC_KEY", default="")
ETIMS_TIMEOUT = env.float("ETIMS_TIMEOUT", default=20.0)
ETIMS_RETRY_BASE_SECONDS = env.float("ETIMS_RETRY_BASE_SECONDS", default=30.0)
ETIMS_RETRY_CAP_SECONDS = env.float("ETIMS_RETRY_CAP_SECONDS", default=900.0)
# A transmission `sending` longer than this lost its worker: marked uncertain, never resent.
ETIMS_CLAIM_TIMEOUT_SECONDS = env.int("ETIMS_CLAIM_TIMEOUT_SECONDS", default=300)
ETIMS_SWEEP_INTERVAL = env.float("ETIMS_SWEEP_INTERVAL", default=60.0)
# KRA's receipt check, the invoice's QR code (sandbox: https://etims-sbx.kra.go.ke/...).
ETIMS_QR_BASE_URL = env(
    "ETIMS_QR_BASE_URL", default="https://etims.kra.go.ke/common/link/etims/receipt/indexEtimsReceiptData?Data="
)
if ETIMS_RETRY_CAP_SECONDS >= CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]:
    raise ImproperlyConfigured("CELERY_VISIBILITY_TIMEOUT must exceed ETIMS_RETRY_CAP_SECONDS")
# A send is at most four exchanges of ETIMS_TIMEOUT each (initialisation, the sale, a fresh key, the
# sale again): a worker still inside them must not be taken for lost.
if ETIMS_CLAIM_TIMEOUT_SECONDS <= 4 * ETIMS_TIMEOUT:
    raise ImproperlyConfigured("ETIMS_CLAIM_TIMEOUT_SECONDS must exceed 4 x ETIMS_TIMEOUT")
CELERY_BEAT_SCHEDULE["sweep-etims"] = {"task": "etims.tasks.sweep_transmissions", "schedule": ETIMS_SWEEP_INTERVAL}

# --- M-Pesa through Safaricom Daraja (docs/payments.md) ---
# MPESA_ENVIRONMENT picks Daraja's origin (sandbox / production); MPESA_BASE_URL overrides it (the
# tests' fake server). Consumer key and secret, shortcode and passkey all set, and a callback base URL:
# M-Pesa is on; any missing: the M-Pesa buttons are hidden and cash / card work as before.
MPESA_ENVIRONMENT = env("MPESA_ENVIRONMENT", default="sandbox")
if MPESA_ENVIRONMENT not in ("sandbox", "production"):
    raise ImproperlyConfigured(f"MPESA_ENVIRONMENT must be sandbox or production, not {MPESA_ENVIRONMENT!r}")
MPESA_BASE_URL = env("MPESA_BASE_URL", default="") or {
    "sandbox": "https://sandbox.safaricom.co.ke", "production": "https://api.safaricom.co.ke",
}[MPESA_ENVIRONMENT]
MPESA_CONSUMER_KEY = env("MPESA_CONSUMER_KEY", default="")
MPESA_CONSUMER_SECRET = env("MPESA_CONSUMER_SECRET", default="")
MPESA_SHORTCODE = env("MPESA_SHORTCODE", default="")  # the Paybill number (BusinessShortCode)
MPESA_PASSKEY = env("MPESA_PASSKEY", default="")  # Lipa na M-Pesa Online passkey: STK Password
# Where Daraja reaches us: https://<host>; the callback paths carry MPESA_CALLBACK_SECRET.
MPESA_CALLBACK_BASE_URL = env("MPESA_CALLBACK_BASE_URL", default="")
MPESA_CALLBACK_SECRET = env("MPESA_CALLBACK_SECRET", default="")
if MPESA_CALLBACK_SECRET and not re.fullmatch(r"(?=.*[A-Z0-9])[A-Za-z0-9_-]{32,}", MPESA_CALLBACK_SECRET):
    raise ImproperlyConfigured(
        "MPESA_CALLBACK_SECRET must be at least 32 URL-safe characters with a digit or a capital: "
        "python -c 'import secrets; print(secrets.token_urlsafe(32))'"
    )
if MPESA_SHORTCODE and not re.fullmatch(r"\d{5,7}", MPESA_SHORTCODE):
    raise ImproperlyConfigured(f"MPESA_SHORTCODE must be the 5 to 7 digit Paybill number, not {MPESA_SHORTCODE!r}")
MPESA_TIMEOUT = env.float("MPESA_TIMEOUT", default=15.0)
# An STK request with no callback after this long is asked about (STK query) by the beat sweep;
# one `sending` this long lost its worker and is marked uncertain (never pushed again).
MPESA_QUERY_AFTER_SECONDS = env.int("MPESA_QUERY_AFTER_SECONDS", default=120)
MPESA_SWEEP_INTERVAL = env.float("MPESA_SWEEP_INTERVAL", default=60.0)
# A push is at most four exchanges of MPESA_TIMEOUT each (token, push, a renewed token, the push again).
if MPESA_QUERY_AFTER_SECONDS <= 4 * MPESA_TIMEOUT:
    raise ImproperlyConfigured("MPESA_QUERY_AFTER_SECONDS must exceed 4 x MPESA_TIMEOUT")
CELERY_BEAT_SCHEDULE["sweep-mpesa"] = {"task": "payments.tasks.sweep_mpesa_requests", "schedule": MPESA_SWEEP_INTERVAL}

# Predicted services (docs/predictions.md): the km per day assumed for a car with too few readings and
# no make/model to go by (15 000 km a year, a Nairobi commuter), and how many days before the predicted
# date service_predicted_due fires.
PREDICTION_DEFAULT_KM_PER_DAY = env.float("PREDICTION_DEFAULT_KM_PER_DAY", default=40.0)
PREDICTION_REMINDER_DAYS = env.int("PREDICTION_REMINDER_DAYS", default=7)

EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Ndegwa Auto Concierge <no-reply@ndegwa.example>")

# --- Logs, health and errors (docs/deploying.md) ---
# Lines a person reads in development, one JSON object per line in production (LOG_JSON); every line
# carries the request id and has emails, phone numbers and link tokens redacted.
LOG_LEVEL = env("LOG_LEVEL", default="INFO")
LOGGING = logging_config(json=env.bool("LOG_JSON", default=False), level=LOG_LEVEL)
# Webhooks (docs/webhooks.md). https:// only unless WEBHOOKS_REQUIRE_HTTPS is off (local and test
# settings; production always requires it); private, loopback and link-local addresses are refused
# unless WEBHOOKS_ALLOW_PRIVATE_ADDRESSES is on (local and test: the tests' receiver is on 127.0.0.1).
WEBHOOKS_REQUIRE_HTTPS = env.bool("WEBHOOKS_REQUIRE_HTTPS", default=True)
WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = env.bool("WEBHOOKS_ALLOW_PRIVATE_ADDRESSES", default=False)
WEBHOOKS_TIMEOUT_SECONDS = env.float("WEBHOOKS_TIMEOUT_SECONDS", default=10.0)
WEBHOOKS_MAX_ATTEMPTS = env.int("WEBHOOKS_MAX_ATTEMPTS", default=12)
WEBHOOKS_RETRY_BASE_SECONDS = env.float("WEBHOOKS_RETRY_BASE_SECONDS", default=30.0)
WEBHOOKS_RETRY_CAP_SECONDS = env.float("WEBHOOKS_RETRY_CAP_SECONDS", default=1800.0)
WEBHOOKS_SWEEP_AGE_SECONDS = env.int("WEBHOOKS_SWEEP_AGE_SECONDS", default=60)
WEBHOOKS_SWEEP_INTERVAL = env.float("WEBHOOKS_SWEEP_INTERVAL", default=60.0)
# A claim older than this belongs to a dead worker: `uncertain`, never resent by itself. Above the timeout.
WEBHOOKS_CLAIM_TIMEOUT_SECONDS = env.int("WEBHOOKS_CLAIM_TIMEOUT_SECONDS", default=300)
# An endpoint whose every attempt failed for this long is paused and the managers are told.
WEBHOOKS_PAUSE_AFTER_SECONDS = env.int("WEBHOOKS_PAUSE_AFTER_SECONDS", default=86400)
# Days a delivered or failed delivery stays in the log (purged nightly); pending and uncertain ones stay.
WEBHOOKS_DELIVERY_LOG_DAYS = env.int("WEBHOOKS_DELIVERY_LOG_DAYS", default=90)
if WEBHOOKS_DELIVERY_LOG_DAYS < 1:
    raise ImproperlyConfigured("WEBHOOKS_DELIVERY_LOG_DAYS must be a whole number of days, 1 or more")
if WEBHOOKS_RETRY_CAP_SECONDS >= CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]:
    raise ImproperlyConfigured("CELERY_VISIBILITY_TIMEOUT must exceed WEBHOOKS_RETRY_CAP_SECONDS")
if WEBHOOKS_CLAIM_TIMEOUT_SECONDS <= WEBHOOKS_TIMEOUT_SECONDS:
    raise ImproperlyConfigured("WEBHOOKS_CLAIM_TIMEOUT_SECONDS must exceed WEBHOOKS_TIMEOUT_SECONDS")
CELERY_BEAT_SCHEDULE["sweep-webhooks"] = {"task": "webhooks.tasks.sweep_webhooks", "schedule": WEBHOOKS_SWEEP_INTERVAL}

# /health/ fails when no worker has run beat's heartbeat task for this long.
HEALTH_HEARTBEAT_INTERVAL = env.float("HEALTH_HEARTBEAT_INTERVAL", default=30.0)
HEALTH_WORKER_MAX_AGE_SECONDS = env.int("HEALTH_WORKER_MAX_AGE_SECONDS", default=180)
CELERY_BEAT_SCHEDULE["worker-heartbeat"] = {
    "task": "concierge.health.tasks.worker_heartbeat", "schedule": HEALTH_HEARTBEAT_INTERVAL,
    # A heartbeat that waited behind a backlog longer than the health window proves nothing: drop it.
    "options": {"expires": HEALTH_WORKER_MAX_AGE_SECONDS},
}

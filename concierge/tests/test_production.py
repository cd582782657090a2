"""Production defaults (issue 14.1): servers default to the production settings, which refuse to start
without their secrets; `.env.example` copied as it is changes nothing. Each case runs in a fresh
interpreter, since settings modules are read once per process."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

BASE_DIR = Path(__file__).resolve().parent.parent.parent

PRODUCTION_SECRETS = {
    "SECRET_KEY": "x" * 60,
    "ALLOWED_HOSTS": "shop.example",
    "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
    "FIELD_HASH_KEY": "h" * 40,
    "PORTAL_BASE_URL": "https://shop.example",
}


def _run(code, **env):
    environment = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    # Present but empty: .env / var/local.env cannot fill them in (the environment wins), so each run sees
    # exactly what the test gives it. DATABASE_URL / REDIS_URL stay those of the test run.
    environment.update({name: "" for name in PRODUCTION_SECRETS})
    # Not a subject here: always a valid origin, so each case fails (or not) on what it is about.
    environment["PORTAL_BASE_URL"] = PRODUCTION_SECRETS["PORTAL_BASE_URL"]
    environment.update(env)
    return subprocess.run([sys.executable, "-c", code], cwd=BASE_DIR, env=environment, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize(
    "code",
    [
        "import concierge.wsgi",
        "import concierge.asgi",
        "from concierge.celery import app; app.conf.broker_url",
    ],
    ids=["wsgi", "asgi", "celery"],
)
def test_servers_default_to_production_and_refuse_to_start_without_secrets(code):
    result = _run(code)
    assert result.returncode != 0
    assert "ImproperlyConfigured: SECRET_KEY must be set in production" in result.stderr


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS", "FIELD_ENCRYPTION_KEYS", "FIELD_HASH_KEY"])
def test_production_refuses_each_missing_secret(missing):
    result = _run("import concierge.wsgi", **{**PRODUCTION_SECRETS, missing: ""})
    assert result.returncode != 0
    assert f"{missing} must be set in production" in result.stderr


@pytest.mark.parametrize(
    "name,value",
    [
        ("SECRET_KEY", "dev-only-insecure-key-do-not-use-in-production"),
        ("FIELD_ENCRYPTION_KEYS", "qSh3AwbzwyY4tC3ieQQsO499JS2eEuSUCCJEyYRe_zY="),
        ("FIELD_HASH_KEY", "dev-only-hash-key-nHWfp1RJaC3Unq3rKfRIyXsZwt3Ib2zweQskCqlqVP0"),
    ],
)
def test_production_refuses_the_repositorys_development_keys(name, value):
    result = _run("import concierge.wsgi", **{**PRODUCTION_SECRETS, name: value})
    assert result.returncode != 0
    assert "development value is public" in result.stderr


def test_production_serves_hashed_compressed_static_files_through_the_app():
    result = _run(
        "from django.conf import settings; import concierge.wsgi; "
        "m = settings.MIDDLEWARE; print(settings.STORAGES['staticfiles']['BACKEND']); "
        "print(m[m.index('django.middleware.security.SecurityMiddleware') + 1]); print(settings.DEBUG)",
        **PRODUCTION_SECRETS,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "whitenoise.storage.CompressedManifestStaticFilesStorage", "whitenoise.middleware.WhiteNoiseMiddleware", "False",
    ]


def _example_values():
    values = {}
    for line in (BASE_DIR / ".env.example").read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, value = line.partition("=")
            values[name.strip()] = value.strip()
    return values


DUMP_SETTINGS = (
    "import json, re, django; from django.conf import settings; django.setup(); "
    # A repr's memory address (django-axes keeps some settings as functions) differs between any two
    # processes; the rest of it is what is compared.
    "print(json.dumps({k: re.sub(' at 0x[0-9a-f]+', '', repr(getattr(settings, k))) "
    "for k in dir(settings) if k.isupper()}))"
)


@pytest.mark.parametrize("module", ["concierge.settings.local", "concierge.settings.production"])
def test_env_example_copied_as_is_changes_no_setting(module):
    """Every uncommented line of .env.example states the default: a copy that nobody edits runs exactly
    like no copy (an empty `STATIC_ROOT=` once sent collectstatic into the repository root)."""
    given = {**PRODUCTION_SECRETS, "DJANGO_SETTINGS_MODULE": module}
    example = _example_values()
    assert "STATIC_ROOT" not in example or example["STATIC_ROOT"]
    without = _run(DUMP_SETTINGS, **given)
    with_example = _run(DUMP_SETTINGS, **{**example, **given})  # the environment wins over .env, as here
    assert without.returncode == 0 and with_example.returncode == 0, without.stderr + with_example.stderr
    before, after = json.loads(without.stdout), json.loads(with_example.stdout)
    changed = {k: (before.get(k), after.get(k)) for k in before.keys() | after.keys() if before.get(k) != after.get(k)}
    assert changed == {}


def test_a_copied_env_example_does_not_stand_in_for_productions_required_settings():
    secrets_but_hosts = {k: v for k, v in PRODUCTION_SECRETS.items() if k != "ALLOWED_HOSTS"}
    result = _run("import concierge.wsgi", **{**_example_values(), **secrets_but_hosts})
    assert result.returncode != 0 and "ALLOWED_HOSTS must be set in production" in result.stderr


def test_every_setting_read_from_the_environment_is_in_env_example():
    example = (BASE_DIR / ".env.example").read_text()
    read = set()
    for path in (BASE_DIR / "concierge" / "settings").glob("*.py"):
        read |= set(re.findall(r'env(?:\.\w+)?\(\s*"([A-Z0-9_]+)"', path.read_text()))
    # test.py's own switches for worker subprocesses are not deployment settings.
    missing = {name for name in read - {"TEST_SMS_BACKEND", "TEST_EMAIL_BACKEND"} if not re.search(rf"^#? ?{name}=", example, re.M)}
    assert missing == set()


def test_the_loopback_http_switch_of_make_serve_is_refused_for_a_real_host():
    result = _run("import concierge.wsgi", **PRODUCTION_SECRETS, SERVE_LOOPBACK_HTTP="true")
    assert result.returncode != 0 and "ALLOWED_HOSTS must be loopback names" in result.stderr
    loopback = _run(
        "from django.conf import settings; import concierge.wsgi; print(settings.SECURE_SSL_REDIRECT)",
        **{**PRODUCTION_SECRETS, "ALLOWED_HOSTS": "127.0.0.1,localhost"}, SERVE_LOOPBACK_HTTP="true",
    )
    assert loopback.stdout.strip() == "False", loopback.stderr

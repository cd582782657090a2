"""Links sent to clients point where the app is served (issue 12.6): `make run PORT=8101` makes every
link start with http://127.0.0.1:8101 (sign-in links used the request's port, status links 8000);
production refuses to start without PORTAL_BASE_URL."""

import os
import subprocess
import sys

import pytest
from django.conf import settings as django_settings

from clients.portal.services import status_link_url
from servicing.tests.factories import ServiceFactory

BASE_DIR = django_settings.BASE_DIR


def _settings_value(name, **env_overrides):
    env = {k: v for k, v in os.environ.items() if k not in ("PORTAL_BASE_URL", "DEV_SERVER_URL", "DJANGO_SETTINGS_MODULE")}
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); from django.conf import settings; print(settings.{name})"],
        cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=60,
    )


def test_make_run_hands_the_port_it_serves_to_web_worker_and_beat():
    dry_run = subprocess.run(["make", "-n", "run", "PORT=8101"], cwd=BASE_DIR, capture_output=True, text=True, timeout=60)

    [start] = [line for line in dry_run.stdout.splitlines() if "honcho start" in line]
    assert "DEV_SERVER_URL=http://127.0.0.1:8101 " in start and "-p 8101" in start


def test_in_development_links_follow_the_served_port():
    result = _settings_value("PORTAL_BASE_URL", DJANGO_SETTINGS_MODULE="concierge.settings.local",
                             DEV_SERVER_URL="http://127.0.0.1:8101")
    assert result.stdout.strip() == "http://127.0.0.1:8101", result.stderr


def test_an_explicit_portal_base_url_wins_in_development():
    result = _settings_value("PORTAL_BASE_URL", DJANGO_SETTINGS_MODULE="concierge.settings.local",
                             DEV_SERVER_URL="http://127.0.0.1:8101", PORTAL_BASE_URL="http://192.168.1.20:8101")
    assert result.stdout.strip() == "http://192.168.1.20:8101", result.stderr


@pytest.mark.parametrize("value", ["", "portal.ndegwa.example", "ftp://portal.ndegwa.example"])
def test_production_refuses_to_start_without_a_portal_base_url(value):
    # PORTAL_BASE_URL is given (empty or malformed) so that a developer's .env cannot fill it in.
    result = _settings_value(
        "PORTAL_BASE_URL", DJANGO_SETTINGS_MODULE="concierge.settings.production", PORTAL_BASE_URL=value,
        SECRET_KEY="x" * 50, ALLOWED_HOSTS="portal.ndegwa.example",
        FIELD_ENCRYPTION_KEYS="zwiUSXsK8hsdE9xaw4JMR6To0iOA2KfeBUMfxyG3bV0=", FIELD_HASH_KEY="k" * 40,
    )
    assert result.returncode != 0
    assert "PORTAL_BASE_URL must be set in production" in result.stderr


def test_production_starts_with_one():
    result = _settings_value(
        "PORTAL_BASE_URL", DJANGO_SETTINGS_MODULE="concierge.settings.production",
        PORTAL_BASE_URL="https://portal.ndegwa.example",
        SECRET_KEY="x" * 50, ALLOWED_HOSTS="portal.ndegwa.example",
        FIELD_ENCRYPTION_KEYS="zwiUSXsK8hsdE9xaw4JMR6To0iOA2KfeBUMfxyG3bV0=", FIELD_HASH_KEY="k" * 40,
    )
    assert result.stdout.strip() == "https://portal.ndegwa.example", result.stderr


@pytest.mark.django_db
def test_status_links_start_with_portal_base_url(settings):
    settings.PORTAL_BASE_URL = "http://127.0.0.1:8101"

    assert status_link_url(service=ServiceFactory()).startswith("http://127.0.0.1:8101/s/")

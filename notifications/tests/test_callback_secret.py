"""The callback's secret: refused at start-up unless it is long and random-looking enough for the log
redaction to hide it wherever a request line names it (concierge/observability/redact.py)."""

import os
import secrets
import subprocess
import sys

import pytest

from concierge.observability.redact import redact


def settings_load_with(secret):
    env = {**os.environ, "AFRICASTALKING_CALLBACK_SECRET": secret, "DJANGO_SETTINGS_MODULE": "concierge.settings.test"}
    return subprocess.run([sys.executable, "-c", "import django; django.setup()"], env=env, capture_output=True,
                          text=True, timeout=60)


@pytest.mark.parametrize("secret", ["short1", "a" * 40, "has spaces and a Capital in it 1234567890"])
def test_a_weak_or_unredactable_secret_stops_the_settings_loading(secret):
    result = settings_load_with(secret)
    assert result.returncode != 0
    assert "AFRICASTALKING_CALLBACK_SECRET must be at least 32 URL-safe characters" in result.stderr
    assert secret not in result.stderr


def test_a_generated_secret_loads_and_is_hidden_in_any_log_line_naming_it():
    secret = secrets.token_urlsafe(32)
    assert settings_load_with(secret).returncode == 0
    line = f"Not Found: /callbacks/africastalking/delivery-reports/{secret}/"
    assert secret not in redact(line)

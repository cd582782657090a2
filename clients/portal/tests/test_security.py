import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.conf import settings
from django.urls import reverse

from clients.tests.factories import ClientFactory
from fleet.tests.factories import VehicleFactory
from servicing.tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db

TEMPLATES = Path(settings.BASE_DIR) / "templates" / "portal"


def test_portal_pages_send_a_csp_that_allows_no_inline_script_or_style(client):
    response = client.get(reverse("portal:sign_in"))

    csp = response["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";") if d.strip())
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'" and directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in csp


def test_portal_templates_have_no_inline_script_style_or_handlers():
    for template in TEMPLATES.glob("*.html"):
        text = template.read_text()
        assert not re.search(r"<script|<style|\sstyle=|\son[a-z]+=", text, re.I), template.name


def test_rendered_pages_have_no_inline_script_or_style(signed_in):
    owner = ClientFactory()
    job = ServiceFactory(vehicle=VehicleFactory(client=owner))
    http = signed_in(owner)
    for url in [reverse("portal:vehicles"), reverse("portal:vehicle", args=[job.vehicle_id]),
                reverse("portal:service", args=[job.pk]), reverse("portal:inbox")]:
        page = http.get(url).content.decode()
        assert not re.search(r"<script|<style|\sstyle=", page, re.I), url


def test_check_deploy_is_clean_with_the_production_settings():
    # DATABASE_URL / REDIS_URL come from the environment or var/local.env, as for any run; the test
    # supplies what production demands and development does not. DJANGO_ALLOW_ASYNC_UNSAFE is the
    # browser tests' switch (conftest.py), which --deploy rightly refuses.
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(
        DJANGO_SETTINGS_MODULE="concierge.settings.production",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="portal.ndegwa.example",
        FIELD_ENCRYPTION_KEYS=Fernet.generate_key().decode(),
        FIELD_HASH_KEY=secrets.token_urlsafe(32),
        PORTAL_BASE_URL="https://portal.ndegwa.example",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_portal_pages_are_not_kept_by_caches_or_the_back_button_of_a_shared_phone(signed_in):
    owner = ClientFactory()
    job = ServiceFactory(vehicle=VehicleFactory(client=owner))
    http = signed_in(owner)
    for url in [reverse("portal:vehicles"), reverse("portal:service", args=[job.pk]), reverse("portal:inbox")]:
        cache_control = http.get(url)["Cache-Control"]
        assert "no-store" in cache_control and "private" in cache_control, url

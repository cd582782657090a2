"""`manage.py ensure_superuser` says in one line what is wrong, never with a traceback, and never makes
an existing staff account a superuser."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from concierge.accounts.roles import FRONT_DESK
from concierge.accounts.tests.factories import UserFactory, staff_in_role

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.django_db
def test_an_existing_front_desk_account_is_not_made_a_superuser():
    desk = staff_in_role(FRONT_DESK, email="desk@ndegwa.example")
    for reset in (False, True):
        with pytest.raises(CommandError, match="not a superuser; nothing changed"):
            call_command("ensure_superuser", email="desk@ndegwa.example", reset_password=reset)
    desk.refresh_from_db()
    assert not desk.is_superuser and desk.check_password("correct-horse-battery-staple")


@pytest.mark.django_db
def test_a_switched_off_superuser_is_said_and_switched_on_only_by_a_reset():
    admin = UserFactory(email="admin@ndegwa.example", is_superuser=True, is_active=False)
    with pytest.raises(CommandError, match="switched off"):
        call_command("ensure_superuser")
    call_command("ensure_superuser", reset_password=True)
    admin.refresh_from_db()
    assert admin.is_active and admin.is_superuser


def run_command(database_url):
    env = {**os.environ, "DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "concierge.settings.local"}
    return subprocess.run([sys.executable, "manage.py", "ensure_superuser"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)


def test_a_database_that_does_not_answer_is_one_line():
    result = run_command("postgres://concierge_app:x@127.0.0.1:1/concierge")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "CommandError: cannot reach the database" in result.stderr


def test_a_database_not_yet_migrated_is_one_line():
    db = settings.DATABASES["default"]
    if not str(db.get("HOST", "")).startswith("/"):
        pytest.skip("the embedded PostgreSQL (a unix socket) is what this builds an address for")
    # The server's maintenance database: reachable with the same role, none of our tables in it.
    result = run_command(f"postgres://{db['USER']}:{db['PASSWORD']}@/{db['HOST']}/postgres")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "run `manage.py migrate` first" in result.stderr

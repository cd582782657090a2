"""Project-wide pytest fixtures: staff users, and the real-browser harness."""

import os
import shutil

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

# Playwright's sync API keeps an event loop running in the test thread for the whole session once a
# browser test has started; Django's ORM (used by every later test in that thread) would then refuse
# to run. Our code is synchronous, so the guard protects nothing here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    if CHROMIUM:
        return
    skip = pytest.mark.skip(reason="no chromium on PATH (apt-get install chromium); .ci/run installs it")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    # Debian's chromium, found on PATH: nothing is downloaded at test time. The flags keep it from
    # reaching for the network, which this machine does not have.
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


# --- Database roles (concierge/db/roles.py) ---------------------------------------------------------
# The test database is created and migrated as the owner role (DATABASE_OWNER_URL), and the tests run
# as the application role (DATABASE_URL), as the web and workers do. A test of what only the owner
# may do (migrations, the owner's functions with a free cutoff) is marked `owner_role`: its
# connection is the owner's for that test. Nothing changes when no DATABASE_OWNER_URL is set.
_ROLES = {"app": None, "ready": False, "want_owner": False}


def _use_role(role):
    from django.conf import settings

    from concierge.db import roles

    if settings.DATABASE_OWNER is None:
        return
    credentials = roles.owner_credentials() if role == "owner" else _ROLES["app"]
    previous = roles.switch_credentials("default", credentials)
    if _ROLES["app"] is None:
        _ROLES["app"] = previous


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings):
    _use_role("owner")  # CREATE DATABASE and migrate


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    _use_role("owner" if _ROLES["want_owner"] else "app")
    _ROLES["ready"] = True
    yield
    _use_role("owner")  # the teardown drops the test database
    _ROLES["ready"] = False


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    _ROLES["want_owner"] = item.get_closest_marker("owner_role") is not None
    if _ROLES["ready"] and _ROLES["want_owner"]:
        _use_role("owner")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item):
    yield
    if _ROLES["want_owner"]:
        _ROLES["want_owner"] = False
        if _ROLES["ready"]:
            _use_role("app")


@pytest.fixture(autouse=True)
def _erasure_ledger(settings, tmp_path_factory):
    # Each test its own erasure ledger (concierge/audit/ledger.py), never the checkout's var/.
    settings.ERASURE_LEDGER_DIR = tmp_path_factory.mktemp("erasure-ledger")


@pytest.fixture
def page(page):
    yield page
    # The database is flushed (TRUNCATE) after a live-server test, while the page may still be loading
    # the last address it was sent to: the server's request, inside a transaction, then holds a lock the
    # flush needs and waits for one the flush holds (a deadlock seen once, after an intake test ended on
    # a redirect). Letting the page's requests finish first leaves the server idle.
    from playwright.sync_api import Error

    try:
        page.wait_for_load_state("networkidle", timeout=10_000)
    except Error:
        pass


@pytest.fixture
def staff_password():
    from concierge.accounts.tests.factories import PASSWORD

    return PASSWORD


@pytest.fixture
def superuser(db):
    from concierge.accounts.tests.factories import UserFactory

    return UserFactory(is_superuser=True, first_name="Grace", last_name="Wairimu")

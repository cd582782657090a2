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


@pytest.fixture
def staff_password():
    from concierge.accounts.tests.factories import PASSWORD

    return PASSWORD


@pytest.fixture
def superuser(db):
    from concierge.accounts.tests.factories import UserFactory

    return UserFactory(is_superuser=True, first_name="Grace", last_name="Wairimu")

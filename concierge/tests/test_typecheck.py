"""mypy.ini (run by `make lint` / `make typecheck`): services, selectors and tasks must be fully
annotated, and the check needs no running services and no environment (a clean clone in CI)."""

import configparser
import os
import re
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def typecheck(tmp_path, modules):
    """mypy with the project's configuration over a throwaway package ({module name: source}), in an
    environment without DATABASE_URL / REDIS_URL (the settings the django-stubs plugin imports must
    not need them)."""
    package = tmp_path / "probeapp"
    package.mkdir()
    (package / "__init__.py").write_text("")
    for module, source in modules.items():
        (package / f"{module}.py").write_text(source)
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE")}
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--config-file", str(BASE_DIR / "mypy.ini"), str(package)],
        cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=300,
    )
    return result.returncode, result.stdout + result.stderr


UNTYPED = "def vehicle_archive(vehicle_id):\n    return vehicle_id\n"
TYPED = "def vehicle_archive(vehicle_id: int) -> int:\n    return vehicle_id\n"


def test_an_unannotated_service_selector_or_task_fails_and_other_modules_may_stay_unannotated(tmp_path):
    status, output = typecheck(tmp_path, {name: UNTYPED for name in ("services", "selectors", "tasks", "views")})
    assert status == 1, output
    missing = "1: error: Function is missing a type annotation  [no-untyped-def]"
    for module in ("services", "selectors", "tasks"):
        assert f"probeapp/{module}.py:{missing}" in output
    # Only the layers the architecture names are held to full hints; views, admin and forms are
    # checked (check_untyped_defs) without having to be annotated.
    assert "probeapp/views.py" not in output
    assert "Found 3 errors in 3 files" in output


def test_annotated_services_pass_without_running_services_or_environment(tmp_path):
    status, output = typecheck(tmp_path, {"services": TYPED, "selectors": TYPED, "tasks": TYPED})
    assert status == 0, output
    assert "Success: no issues found in 4 source files" in output


# The application code mypy checks (mypy.ini `files`), without what it excludes.
APPLICATION = ("concierge", "clients", "fleet", "servicing", "notifications", "reports", "demo", "bench")
IGNORE = re.compile(r"#\s*type:\s*ignore\b(?P<code>\[[a-z0-9_, -]+\])?(?P<rest>.*)$")


def application_sources():
    for top in APPLICATION:
        for path in sorted((BASE_DIR / top).rglob("*.py")):
            parts = path.relative_to(BASE_DIR).parts
            if "tests" not in parts and "migrations" not in parts:
                yield path


def test_mypy_exempts_no_application_module():
    """Only test code is left out of mypy's errors: no module of the application is waved through
    (a block of temporary exemptions hid 72 errors in 20 modules until issue 15)."""
    config = configparser.ConfigParser()
    config.read(BASE_DIR / "mypy.ini")
    exempt = [name for name in config.sections() if config[name].getboolean("ignore_errors", fallback=False)]
    assert exempt == ["mypy-*.tests.*"]
    assert "TEMPORARY" not in (BASE_DIR / "mypy.ini").read_text()


def test_every_type_ignore_in_the_application_names_its_error_and_why():
    """A `# type: ignore` silences one error code, with the reason beside it or in the comment just
    above, and none is a "TEMPORARY" left for later."""
    unexplained = []
    for path in application_sources():
        lines = path.read_text().splitlines()
        for number, line in enumerate(lines, start=1):
            found = IGNORE.search(line)
            if found is None:
                continue
            reason_beside = re.match(r"\s*#\s*\S", found["rest"])
            reason_above = number > 1 and lines[number - 2].strip().startswith("#")
            if not found["code"] or not (reason_beside or reason_above) or "TEMPORARY" in line:
                unexplained.append(f"{path.relative_to(BASE_DIR)}:{number}: {line.strip()}")
    assert not unexplained, "\n".join(unexplained)

"""The five import rules of .importlinter hold (docs/architecture.md, "Enforced"): the platform
(concierge) imports no domain app; domain services and selectors do not reach into the admin; the
benchmarks and demo data import no test code; the domain apps keep their layers; eTIMS knows no other
domain app."""

import subprocess
import sys
from pathlib import Path

from django.conf import settings

LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def test_the_import_rules_hold():
    # A subprocess: import-linter reads the packages from the source tree, as `lint-imports` by hand does,
    # and --no-cache leaves nothing behind in the tree.
    result = subprocess.run([str(LINT_IMPORTS), "--no-cache"], cwd=settings.BASE_DIR, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout

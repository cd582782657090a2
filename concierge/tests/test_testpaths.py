"""Every test module in the tree is collected by `make test`: pytest.ini's testpaths names the packages
pytest walks, and a new app left out of it would have its tests silently never run (payments and
forecasting were, for a while)."""

import configparser
from pathlib import Path

from django.conf import settings

SKIP_DIRS = {".venv", "var", "node_modules", ".git"}


def _test_modules(base: Path) -> list[Path]:
    return [path for path in base.rglob("test_*.py")
            if not SKIP_DIRS.intersection(path.relative_to(base).parts)]


def test_every_test_module_sits_under_a_testpath():
    base = Path(settings.BASE_DIR)
    config = configparser.ConfigParser()
    config.read(base / "pytest.ini")
    testpaths = config["pytest"]["testpaths"].split()
    modules = _test_modules(base)
    assert modules, "no test module found: the walk itself is broken"
    outside = [str(path.relative_to(base)) for path in modules
               if path.relative_to(base).parts[0] not in testpaths]
    assert outside == [], f"test modules pytest.ini's testpaths never collects: {outside}"

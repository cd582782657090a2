"""The workflow engine is a platform piece: it imports no domain app (they register with it instead)."""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1]
DOMAIN_APPS = {"clients", "fleet", "servicing", "notifications", "reports"}
# Ways to import a module named by a string.
DYNAMIC_IMPORTS = {"import_module", "import_string", "__import__"}


def imported_modules(path):
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            yield node.module
        elif isinstance(node, ast.Call):
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name in DYNAMIC_IMPORTS and node.args and isinstance(node.args[0], ast.Constant):
                yield str(node.args[0].value)


def platform_modules():
    return [p for p in PACKAGE.rglob("*.py") if "tests" not in p.relative_to(PACKAGE).parts]


def test_the_walk_finds_the_engine_and_sees_its_imports():
    names = {p.relative_to(PACKAGE).as_posix() for p in platform_modules()}
    assert {"engine.py", "events.py", "templating.py", "validation.py", "admin.py", "registry.py"} <= names
    assert "concierge.celery" in set(imported_modules(PACKAGE / "events.py"))


def test_concierge_workflows_imports_no_domain_app():
    offending = sorted(
        f"{path.relative_to(PACKAGE)}: {module}"
        for path in platform_modules()
        for module in imported_modules(path)
        if module.split(".")[0] in DOMAIN_APPS
    )
    assert offending == []

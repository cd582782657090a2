"""Canaries for the pieces of Django that concierge/admin/ copies (kept only where a measurement pays
for them: docs/admin-at-scale.md, "Forks of Django"). Each fork records, beside its code, the sha256 of
the source of what it copied in the Django it was written against (COPIED_FROM_DJANGO). A Django
upgrade that changes one of them fails here, naming the fork to re-check, before a page drifts from
Django's HTML or behaviour without a test noticing."""

import hashlib
import importlib
import inspect
import pkgutil

import pytest
from django.forms.renderers import DjangoTemplates

# Every module of concierge/admin/ that copies Django; each has COPIED_FROM_DJANGO.
FORKS = ["concierge.admin.changelists", "concierge.admin.date_hierarchy", "concierge.admin.renderers"]


def source_of(reference: str) -> str:
    """The installed Django's source of a dotted name (function, method) or of a `template:` name."""
    if reference.startswith("template:"):
        return DjangoTemplates().get_template(reference.removeprefix("template:")).template.source
    return inspect.getsource(pkgutil.resolve_name(reference))


def fingerprint(reference: str) -> str:
    return hashlib.sha256(source_of(reference).encode()).hexdigest()[:16]


COPIED = [(fork, reference, recorded) for fork in FORKS
          for reference, recorded in importlib.import_module(fork).COPIED_FROM_DJANGO.items()]


@pytest.mark.parametrize(("fork", "reference", "recorded"), COPIED, ids=[f"{f}:{r}" for f, r, _ in COPIED])
def test_what_each_fork_copied_is_unchanged_in_the_installed_django(fork, reference, recorded):
    installed = fingerprint(reference)
    assert installed == recorded, (
        f"Django's {reference} is not the one {fork} copied (recorded {recorded}, installed {installed}). "
        f"Re-check {fork} against the new source: the same choices / HTML as Django's (its equality tests), "
        f"then `python -m bench.forks --scale 10` to see whether the fork still pays for itself; "
        f"then record {installed} in {fork}.COPIED_FROM_DJANGO (or delete the fork)."
    )


"""What other apps hold about a client, added to the access-request export by the app that holds it.

Clients cannot import the apps above it (billing, payments…), so each registers a section here from
its AppConfig.ready(): a key (the JSON member), a title (the readable page's heading) and a function
giving the rows for one client. Erasure stays with each app's receiver of `client_erased`."""

import dataclasses
from collections.abc import Callable
from typing import Any

from clients.models import Client

Rows = list[dict[str, Any]]


@dataclasses.dataclass(frozen=True)
class ExportSection:
    key: str
    title: str
    rows_for: Callable[[Client], Rows]


_sections: dict[str, ExportSection] = {}


def export_section_register(*, key: str, title: str, rows_for: Callable[[Client], Rows]) -> None:
    """Idempotent per key (ready() may run more than once in tests)."""
    _sections[key] = ExportSection(key, title, rows_for)


def export_sections() -> list[ExportSection]:
    return list(_sections.values())

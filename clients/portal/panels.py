"""Sections other apps add to the portal's job page (billing: the estimate and the invoice), registered
when those apps load, as notifications' link makers are: the portal imports none of them.

A panel maker gets the page's PortalScope and the job (already read through that scope) and returns
(template name, context) to include, or None when it has nothing to show. It must read only through
the scope's querysets, so a status link's page still shows that one job of that one client.
"""

from collections.abc import Callable
from typing import Any

from servicing.models import Service

PanelMaker = Callable[[Any, Service], tuple[str, dict[str, Any]] | None]

_makers: list[PanelMaker] = []


def service_panel_register(maker: PanelMaker) -> None:
    if maker not in _makers:
        _makers.append(maker)


def service_panels(scope: Any, service: Service) -> list[dict[str, Any]]:
    panels = []
    for maker in _makers:
        made = maker(scope, service)
        if made is not None:
            panels.append({"template": made[0], "context": made[1]})
    return panels

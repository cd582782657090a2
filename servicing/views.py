"""The job board: today's, overdue and in-progress jobs in columns by status for the workshop's wall
screen, and the one-step move of a card. Staff pages of their own (not the services list's admin): they
sit at the admin's addresses and behind its staff sign-in (servicing/urls.py), and are drawn in its
frame (admin.site.each_context)."""

import uuid

from django.contrib import admin, messages
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser, PermissionsMixin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from . import selectors
from .lifecycle import InvalidTransition, next_status
from .models import CLIENT_DETAILS_PERMISSION, Service, ServiceStatus
from .services import service_change_status

# The wall screen reloads itself this often (a <meta> refresh: no script needed).
BOARD_REFRESH_SECONDS = 60
# Stands for a job's id in its URLs, reversed once per board (a UUID, as the <uuid:...> converter wants).
BOARD_URL_KEY = "00000000-0000-0000-0000-00000000beef"

# The services list's own permissions (ModelAdmin.has_view_permission / has_change_permission): whoever
# sees the list sees the board; whoever may change a job may move its card.
CHANGE_PERMISSION = "servicing.change_service"
VIEW_PERMISSION = "servicing.view_service"


def _may_change(user: AbstractBaseUser | AnonymousUser) -> bool:
    # Staff users carry permissions (PermissionsMixin); a bare AbstractBaseUser has none to check.
    return isinstance(user, PermissionsMixin | AnonymousUser) and user.has_perm(CHANGE_PERMISSION)


def _may_view(user: AbstractBaseUser | AnonymousUser) -> bool:
    may_view = isinstance(user, PermissionsMixin | AnonymousUser) and user.has_perm(VIEW_PERMISSION)
    return may_view or _may_change(user)


def board(request: HttpRequest) -> TemplateResponse:
    if not _may_view(request.user):
        raise PermissionDenied
    today = timezone.localdate()
    columns = selectors.board_columns(today=today)
    changelist = reverse("admin:servicing_service_changelist")
    # Each card links to its job and posts to its advance URL: reversed once, the job's id put in
    # (a reverse() per card was a tenth of the board's time).
    change_url = reverse("admin:servicing_service_change", args=[BOARD_URL_KEY])
    advance_url = reverse("servicing:board_advance", args=[BOARD_URL_KEY])
    for column in columns:
        column.all_url = f"{changelist}?due=board&status__exact={column.status}"
        for card in column.cards:
            card.change_url = change_url.replace(BOARD_URL_KEY, str(card.service.pk))
            card.advance_url = advance_url.replace(BOARD_URL_KEY, str(card.service.pk))
    context = {
        **admin.site.each_context(request),
        "title": f"Job board · {today:%A %d %B %Y}",
        "columns": columns,
        "per_column": selectors.BOARD_CARDS_PER_COLUMN,
        "now": timezone.now(),
        "can_move": _may_change(request.user),
        "owner_full_name": request.user.has_perm(CLIENT_DETAILS_PERMISSION),
        "refresh_seconds": BOARD_REFRESH_SECONDS,
        "opts": Service._meta,
    }
    return TemplateResponse(request, "admin/servicing/board.html", context)


@require_POST
def board_advance(request: HttpRequest, service_id: uuid.UUID) -> HttpResponseRedirect:
    """Move one card to its next column. The form posts the status the card showed, so a stale wall
    screen cannot push a job two steps: the lifecycle refuses if someone moved it meanwhile."""
    if not _may_change(request.user):
        raise PermissionDenied
    back = redirect("servicing:board")
    service = get_object_or_404(Service.objects.select_related("vehicle"), pk=service_id)
    shown = request.POST.get("from_status")
    target = next_status(shown) if shown in ServiceStatus.values else None
    if target is None:
        messages.error(request, "That job has no next step.")
        return back
    try:
        # admin_view let only a signed-in staff member through: the user is never anonymous here.
        by = request.user if isinstance(request.user, AbstractBaseUser) else None
        changed = service_change_status(service=service, status=target, by=by)
    except InvalidTransition as error:
        messages.error(request, f"{service.vehicle.license_plate}: {error}")
        return back
    if not changed:  # someone moved it there first: nothing to do, and nobody is told twice
        messages.warning(request, f"{service.vehicle.license_plate}: the job is already {target.label.lower()}.")
        return back
    messages.success(request, f"{service.vehicle.license_plate} · {service.service_type}: {target.label.lower()}.")
    return back


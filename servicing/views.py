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

from fleet.validators import validate_mileage

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



# The technician's phone view: their jobs today and the unassigned ones, one large button per job.

def _technician_name(user: AbstractBaseUser | AnonymousUser) -> str:
    # Jobs are booked under the technician's full name (the booking page's technician list).
    full_name = getattr(user, "get_full_name", None)  # the shop's User; AbstractBaseUser declares none
    return full_name() if callable(full_name) else ""


def workshop(request: HttpRequest, *, errors: dict[str, str] | None = None, status: int = 200) -> TemplateResponse:
    """My jobs: at 390 px on a phone in the workshop. Same permission as moving a card on the board."""
    if not _may_change(request.user):
        raise PermissionDenied
    today = timezone.localdate()
    name = _technician_name(request.user)
    mine, waiting = selectors.workshop_jobs(technician=name, today=today)
    advance_url = reverse("servicing:workshop_advance", args=[BOARD_URL_KEY])
    for job in (*mine, *waiting):
        job.advance_url = advance_url.replace(BOARD_URL_KEY, str(job.pk))  # type: ignore[attr-defined]  # for the template
        job.next_step = next_status(job.status)  # type: ignore[attr-defined]  # for the template
        job.error = (errors or {}).get(str(job.pk), "")  # type: ignore[attr-defined]  # for the template
    context = {
        **admin.site.each_context(request),
        "is_nav_sidebar_enabled": False,  # a phone's width is the page's
        "title": f"My jobs · {today:%a %d %b}",
        "technician": name,
        "mine": mine,
        "waiting": waiting,
        "owner_full_name": request.user.has_perm(CLIENT_DETAILS_PERMISSION),
    }
    return TemplateResponse(request, "admin/servicing/workshop.html", context, status=status)


@require_POST
def workshop_advance(request: HttpRequest, service_id: uuid.UUID) -> HttpResponseRedirect | TemplateResponse:
    """Start or Complete from the phone view: the board's stale protection (the status the page showed
    is posted and must still be the job's), and the odometer read at completion."""
    from django.core.exceptions import ValidationError
    from django.db import transaction

    from .services import service_advance_at_workshop

    if not _may_change(request.user):
        raise PermissionDenied
    back = redirect("servicing:workshop")
    service = get_object_or_404(Service.objects.select_related("vehicle"), pk=service_id)
    shown = request.POST.get("from_status")
    target = next_status(shown) if shown in ServiceStatus.values else None
    if target is None:
        messages.error(request, "That job has no next step.")
        return back
    raw_mileage = (request.POST.get("mileage") or "").replace(",", "").replace(" ", "")
    mileage = None
    if target == ServiceStatus.COMPLETED and raw_mileage:
        # isdecimal, not isdigit: "²" is a digit that int() refuses. Digits of other scripts (Arabic-Indic
        # ١٢٣) are read as the intake and admin forms read them.
        if not raw_mileage.isdecimal():
            return workshop(request, errors={str(service.pk): "Type the mileage in whole kilometres, e.g. 86500."},
                            status=400)
        mileage = int(raw_mileage)
        try:
            validate_mileage(mileage)
        except ValidationError as error:
            return workshop(request, errors={str(service.pk): " ".join(error.messages)}, status=400)
    by = request.user if isinstance(request.user, AbstractBaseUser) else None
    plate = service.vehicle.license_plate or service.vehicle.vin
    try:
        with transaction.atomic():
            if service.status != shown:
                # The page was stale: the job moved since it was drawn; say so, change nothing.
                changed = False
            else:
                changed = service_advance_at_workshop(service=service, status=target, technician=_technician_name(
                    request.user), mileage=mileage, by=by)
    except InvalidTransition as error:
        messages.error(request, f"{plate}: {error}")
        return back
    except ValidationError as error:
        return workshop(request, errors={str(service.pk): " ".join(error.messages)}, status=400)
    if not changed:
        current = ServiceStatus(Service.objects.values_list("status", flat=True).get(pk=service.pk))
        messages.warning(request, f"{plate}: the job is {current.label.lower()} already (someone moved it); "
                                  "nothing was changed.")
        return back
    messages.success(request, f"{plate} · {service.service_type}: {target.label.lower()}.")
    return back

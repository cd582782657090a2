"""Every read the portal does, through one scope: a signed-in client's, or one status link's service.

Views never build their own querysets; they ask a PortalScope, so no page can forget the filter. An
id outside the scope is simply not found (404), whether it exists or not.
"""

import datetime
from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import BooleanField, Exists, ExpressionWrapper, F, Model, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone

from clients.models import Client
from concierge.audit.models import AuditLog
from fleet.models import Vehicle
from fleet.selectors import owned_by_at, vehicles_ever_owned
from forecasting.models import ServicePrediction
from forecasting.selectors import next_prediction_subqueries
from notifications.models import Notification, NotificationType
from servicing.models import Service, ServiceStatus

from .models import PortalInboxRead

OPEN_STATUSES = (ServiceStatus.PENDING, ServiceStatus.IN_PROGRESS)

_M = TypeVar("_M", bound=Model)


class PortalScope:
    """What one client may see. `service` narrows it to a single job (a status link).

    Cars and jobs follow ownership periods (fleet.models.VehicleOwnership), not the car's current
    client: a client sees the cars they own or have owned, and of each only the jobs made while it was
    theirs. A car bought second-hand shows none of its earlier owner's jobs (nor their estimates,
    invoices or messages, which are reached through these jobs); a car sold stays listed, marked sold,
    with its seller's own jobs and nothing of the buyer's."""

    def __init__(self, *, client: Client, service: Service | None = None) -> None:
        self.client = client
        self.service = service

    # --- base querysets: the only place the client filter is written -------------------------
    def vehicles(self) -> QuerySet[Vehicle]:
        qs = vehicles_ever_owned(client_id=self.client.pk)
        if self.service is not None:
            qs = qs.filter(pk=self.service.vehicle_id)
        return qs

    def services(self) -> QuerySet[Service]:
        qs = Service.objects.filter(owned_by_at(client_id=self.client.pk))
        if self.service is not None:
            qs = qs.filter(pk=self.service.pk)
        return qs

    def notifications(self) -> QuerySet[Notification]:
        # Messages are addressed to a client (notifications.client_id, written when sent), so a
        # message about a car's job went to the job's owner of the time: their own, whoever owns it now.
        qs = Notification.objects.filter(client=self.client)
        if self.service is not None:
            qs = qs.filter(service=self.service)
        return qs

    def _with_owned_now(self, vehicles: QuerySet[Vehicle]) -> QuerySet[Vehicle]:
        # A car sold since is shown as sold, without what is the buyer's now (its mileage, its predictions).
        return vehicles.annotate(owned_now=ExpressionWrapper(Q(client_id=self.client.pk), output_field=BooleanField()))

    # --- pages -------------------------------------------------------------------------------
    def vehicles_by_plate(self) -> QuerySet[Vehicle]:
        """The vehicles in the order the list shows them: what the list's pages are cut from."""
        return self.vehicles().order_by("license_plate", "vin")

    def vehicle_list(self, page: QuerySet[Vehicle] | None = None) -> QuerySet[Vehicle]:
        """Each vehicle with its current job, next scheduled service and last mileage, in one query.

        `page`: a slice of vehicles_by_plate() (one page of the list): only those are annotated. With
        OFFSET on the annotated query, PostgreSQL ran the four job subqueries for every vehicle before
        the page too (page 30 of a 1 169-car fleet: 0.28 s)."""
        today = timezone.localdate()
        services = self.services().filter(vehicle=OuterRef("pk"))
        current = services.filter(status__in=OPEN_STATUSES).order_by(
            # A job in the workshop is more "current" than one still waiting.
            F("status").desc(), "scheduled_date", "created_at"
        )
        upcoming = services.filter(status=ServiceStatus.PENDING, scheduled_date__gte=today).order_by("scheduled_date")
        vehicles = self.vehicles_by_plate()
        if page is not None:
            vehicles = vehicles.filter(pk__in=page.values("pk"))
        return self._with_owned_now(vehicles).annotate(
            current_status=Subquery(current.values("status")[:1]),
            current_service_type=Subquery(current.values("service_type")[:1]),
            next_service_date=Subquery(upcoming.values("scheduled_date")[:1]),
            next_service_type=Subquery(upcoming.values("service_type")[:1]),
            # The soonest predicted service (forecasting), of this car, which the scope already limits.
            **next_prediction_subqueries(),
        )

    def vehicle(self, vehicle_id: object) -> Vehicle:
        return _get(self._with_owned_now(self.vehicles()), vehicle_id)

    def vehicle_predictions(self, vehicle: Vehicle) -> QuerySet[ServicePrediction]:
        """The predicted next services of one of the client's cars (`vehicle` from self.vehicle()); none
        for a car they have sold."""
        owned = self.vehicles().filter(pk=vehicle.pk, client_id=self.client.pk).values("pk")
        return ServicePrediction.objects.filter(vehicle__in=owned).select_related(
            "service_type").order_by("due_date")

    def vehicle_history(self, vehicle: Vehicle) -> QuerySet[Service]:
        # The primary key last: pages of the history never skip or repeat a job that shares a date.
        return self.services().filter(vehicle=vehicle).order_by(
            F("scheduled_date").desc(nulls_last=True), "-created_at", "-pk"
        )

    def service_detail(self, service_id: object) -> Service:
        return _get(self.services().select_related("vehicle"), service_id)

    def service_messages(self, service: Service) -> QuerySet[Notification]:
        return self.notifications().filter(service=service).order_by(F("sent_at").asc(nulls_last=True))

    def inbox(self) -> QuerySet[Notification]:
        return (
            self.notifications().filter(channel=NotificationType.IN_APP)
            .annotate(is_read=Exists(PortalInboxRead.objects.filter(notification=OuterRef("pk"))))
            .select_related("service", "vehicle")
            .order_by(F("sent_at").desc(nulls_last=True), "-created_at", "-pk")
        )

    def unread_count(self) -> int:
        return self.notifications().filter(channel=NotificationType.IN_APP).exclude(
            Exists(PortalInboxRead.objects.filter(notification=OuterRef("pk")))
        ).count()


def _get(queryset: QuerySet[_M], pk: object) -> _M:
    try:
        return queryset.get(pk=pk)
    except (ObjectDoesNotExist, ValueError):  # queryset.get raises its model's DoesNotExist, a subclass
        raise Http404 from None


def service_timeline(service: Service) -> list[dict[str, Any]]:
    """[(status, when)] from the audit trail's status changes; created/updated times when it has none.

    The database triggers write one audit_logs row per change to `services`; a row is a status step
    when it is the INSERT or when new_values.status differs from old_values.status.
    """
    rows = (
        AuditLog.objects.filter(table_name="services", record_id=service.pk)
        .filter(Q(action="INSERT") | ~Q(old_values__status=F("new_values__status")) | Q(old_values__isnull=True))
        .exclude(new_values__status=None)
        .order_by("timestamp")
        .values_list("new_values__status", "timestamp")
    )
    steps: list[tuple[str, datetime.datetime]] = []
    for status, when in rows:
        if not steps or steps[-1][0] != status:
            steps.append((status, when))
    if not steps:
        steps.append((ServiceStatus.PENDING.value, service.created_at))
        if service.status != ServiceStatus.PENDING:
            steps.append((service.status, service.updated_at))
    return [{"status": s, "label": ServiceStatus(s).label, "at": when} for s, when in steps]


def service_closed_at(service: Service) -> datetime.datetime | None:
    """When the job was completed or cancelled (the last timeline step), or None while open."""
    if service.status not in (ServiceStatus.COMPLETED, ServiceStatus.CANCELLED):
        return None
    return service_timeline(service)[-1]["at"]



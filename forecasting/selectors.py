"""Reads of the predicted services: a car's, the shop's next weeks, the owner's."""

import datetime
import uuid
from collections import defaultdict
from typing import Any

from django.db.models import OuterRef, QuerySet, Subquery
from django.db.models.aggregates import Count

from servicing.models import ServiceType

from .models import ServicePrediction


def car_predictions(*, vehicle: Any) -> QuerySet[ServicePrediction]:
    """A car's predicted services, soonest first."""
    return ServicePrediction.objects.filter(vehicle=vehicle).select_related("service_type").order_by("due_date")


def expected_between(*, start: datetime.date, end: datetime.date) -> QuerySet[ServicePrediction]:
    """The services predicted due from `start` to `end` (both included), soonest first, with car and owner."""
    return (ServicePrediction.objects.filter(due_date__gte=start, due_date__lte=end)
            .select_related("service_type", "vehicle__client").order_by("due_date", "id"))


def expected_by_week(*, start: datetime.date, end: datetime.date) -> list[dict[str, Any]]:
    """How many of each service type fall due per week (weeks starting Monday), for capacity planning:
    [{"week": Monday, "service_type_name": name, "cars": n}], by week then type.

    PostgreSQL counts per day and type from predictions_due_order_idx alone (a range of it, no table
    read); the days are added into weeks and the types named here. DATE_TRUNC('week') and the join to the type's name on each of the 40 000 rows of a month at
    scale 10 made PostgreSQL read them from the table and sort them all (24 ms of the page)."""
    days = (
        ServicePrediction.objects.filter(due_date__gte=start, due_date__lte=end)
        .values("due_date", "service_type")
        .annotate(cars=Count("service_type"))  # never NULL: counts rows from the index's own column
        .order_by("due_date", "service_type")
    )
    counts: dict[tuple[datetime.date, uuid.UUID], int] = defaultdict(int)
    for day in days:  # at most one row per day and type
        week = day["due_date"] - datetime.timedelta(days=day["due_date"].weekday())
        counts[week, day["service_type"]] += day["cars"]
    names = dict(ServiceType.objects.filter(pk__in={type_id for _, type_id in counts}).values_list("pk", "name"))
    return [
        {"week": week, "service_type_name": name, "cars": cars}
        for (week, name), cars in sorted(((week, names[type_id]), cars) for (week, type_id), cars in counts.items())
    ]


def next_prediction_subqueries(*, vehicle_ref: str = "pk") -> dict[str, Subquery]:
    """Annotations giving each car its soonest predicted service: name and date (None when none)."""
    soonest = ServicePrediction.objects.filter(vehicle=OuterRef(vehicle_ref)).order_by("due_date", "id")
    return {
        "predicted_service": Subquery(soonest.values("service_type__name")[:1]),
        "predicted_due": Subquery(soonest.values("due_date")[:1]),
    }

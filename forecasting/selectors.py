"""Reads of the predicted services: a car's, the shop's next weeks, the owner's."""

import datetime
from typing import Any

from django.db.models import F, OuterRef, QuerySet, Subquery
from django.db.models.functions import TruncWeek
from django.db.models.aggregates import Count

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
    [{"week": Monday, "service_type": name, "cars": n}], by week then type. One GROUP BY on the
    due-date index's range."""
    rows = (
        ServicePrediction.objects.filter(due_date__gte=start, due_date__lte=end)
        .annotate(week=TruncWeek("due_date"))
        .values("week", service_type_name=F("service_type__name"))
        .annotate(cars=Count("id"))
        .order_by("week", "service_type_name")
    )
    return [dict(row) for row in rows]


def next_prediction_subqueries(*, vehicle_ref: str = "pk") -> dict[str, Subquery]:
    """Annotations giving each car its soonest predicted service: name and date (None when none)."""
    soonest = ServicePrediction.objects.filter(vehicle=OuterRef(vehicle_ref)).order_by("due_date", "id")
    return {
        "predicted_service": Subquery(soonest.values("service_type__name")[:1]),
        "predicted_due": Subquery(soonest.values("due_date")[:1]),
    }

"""Reads behind the report pages. Every figure is computed by PostgreSQL (aggregates, date_trunc,
filtered counts); Python only divides totals and fills in empty months. Each selector runs a fixed
number of queries, routed to the reports database when one is configured (reports.routers)."""

from .clients import lapsed_clients, new_clients_by_month, returning_clients
from .figures import Comparison
from .notifications import (
    delivery_failure_reasons,
    failure_reasons,
    notifications_by_channel,
    notifications_by_week,
    sms_delivery,
)
from .money import declined_work_call_list, invoiced_by_month, money_figures
from .overview import overview
from .revenue import revenue_by_month, revenue_by_service_type, top_makes_and_models
from .technicians import technician_performance

__all__ = [
    "Comparison", "declined_work_call_list", "delivery_failure_reasons", "invoiced_by_month", "money_figures", "failure_reasons", "lapsed_clients", "new_clients_by_month",
    "notifications_by_channel", "notifications_by_week", "overview", "returning_clients",
    "revenue_by_month", "revenue_by_service_type", "sms_delivery", "technician_performance",
    "top_makes_and_models",
]

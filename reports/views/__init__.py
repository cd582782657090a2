from .money import MoneyPage
from .pages import ClientsPage, NotificationsPage, OverviewPage, RevenuePage, TechniciansPage

__all__ = ["ClientsPage", "MoneyPage", "NotificationsPage", "OverviewPage", "RevenuePage", "TechniciansPage"]

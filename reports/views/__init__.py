from .money import MoneyPage
from .receivables import ReceivablesPage
from .pages import ClientsPage, NotificationsPage, OverviewPage, RevenuePage, TechniciansPage

__all__ = ["ClientsPage", "MoneyPage", "NotificationsPage", "OverviewPage", "ReceivablesPage", "RevenuePage", "TechniciansPage"]

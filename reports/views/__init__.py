from .pages import ClientsPage, NotificationsPage, OverviewPage, RevenuePage, TechniciansPage

__all__ = ["ClientsPage", "NotificationsPage", "OverviewPage", "RevenuePage", "TechniciansPage"]
